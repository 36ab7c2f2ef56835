/**
 * Loaders that read a built dataset from its documented on-disk layout into a {@link
 * dev.cmkd.data.PairedSplit}: {@link dev.cmkd.data.loading.AvMnistTtsLoader} for the embedded AV-MNIST-TTS
 * default (MNIST images paired with synthetic spoken digits), with an audio front-end from {@link
 * dev.cmkd.data.audio}, optional white noise at a given SNR, image normalisation and an on-disk feature
 * cache. Every contract violation raises a {@link dev.cmkd.data.loading.DatasetException} that names the
 * file, the line, the field and the fix.
 */
package dev.cmkd.data.loading;
