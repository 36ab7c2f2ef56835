/**
 * {@link dev.cmkd.data.idx.Idx} reads IDX files of unsigned bytes, the format of MNIST's images and
 * labels, for both the AV-MNIST-TTS builder ({@link dev.cmkd.data.avmnist}) and its loader ({@link
 * dev.cmkd.data.loading}); errors are {@link dev.cmkd.data.idx.IdxException}s that name the file, the
 * field and the fix.
 */
package dev.cmkd.data.idx;
