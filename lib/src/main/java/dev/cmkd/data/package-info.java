/**
 * Datasets of paired modalities: {@link dev.cmkd.data.PairedSplit} holds one split (in memory, or streamed
 * from files batch by batch) and hands out batches; sub-packages read and build each dataset. {@link dev.cmkd.data.Sha256} hashes files for
 * the builders' manifests and the loaders' cache keys; {@link dev.cmkd.data.idx} reads MNIST's IDX files
 * and {@link dev.cmkd.data.audio} WAV files for both.
 */
package dev.cmkd.data;
