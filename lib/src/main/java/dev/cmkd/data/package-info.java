/**
 * Datasets of paired modalities, one sub-package per dataset ({@code avmnist}, {@code av} for CREMA-D, AVE and
 * VGGSound, {@code crisis}, {@code nyu}) and one for audio front-ends ({@code audio}). What every loader shares lives
 * here: a {@link dev.cmkd.data.BatchSource} hands out {@link dev.cmkd.data.Batch}es ({@link dev.cmkd.data.PairedSplit}
 * in memory or streamed), {@link dev.cmkd.data.Splits} groups a task's three, {@link
 * dev.cmkd.data.PrefetchingSource} builds any source's announced batches ahead on worker threads (bounded, in order,
 * the same batches for any number of threads), {@link dev.cmkd.data.CsvFile} and
 * {@link dev.cmkd.data.Npy} read prepared files with errors that name the file, the field and the fix ({@link
 * dev.cmkd.data.DatasetException}; {@link dev.cmkd.data.FileFormatException} where a file is not in its format, a
 * WAV or an IDX file), {@link dev.cmkd.data.Sha256} hashes files for manifests and cache keys, and {@link
 * dev.cmkd.data.DatasetBuild} runs a dataset's build script once per folder and never longer than the job.
 */
package dev.cmkd.data;
