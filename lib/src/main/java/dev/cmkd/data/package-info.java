/**
 * Datasets of paired modalities: {@link dev.cmkd.data.PairedSplit} holds one split in memory and hands
 * out batches; sub-packages read and build each dataset.
 */
package dev.cmkd.data;
