/**
 * Backbone networks: DJL blocks that map an input batch to {@code NDList(logits, feature)}, the contract
 * that {@link dev.cmkd.method.NetworkOutput} reads.
 *
 * <p>{@link dev.cmkd.model.ResNet} is the ResNet-18 that FD-CMKD's released code uses on both sides (a
 * 1-channel audio network on spectrograms, a 3-channel visual network on frames); its {@code feature} is
 * the pooled output of the last residual block after its ReLU (what the released code distils) or before it (what
 * its names intend), as {@link dev.cmkd.model.FeaturePoint} chooses. Smaller
 * widths, fewer stages and a small-input stem make CPU-sized variants of the same network.
 *
 * <p>For text, {@link dev.cmkd.model.TextCnn} (Kim 2014's convolutional sentence encoder, trained from scratch)
 * and {@link dev.cmkd.model.FeatureMlp} (over precomputed text features) follow the same contract, with a
 * linear adapter that gives their feature the image network's dimension. For segmentation, {@link
 * dev.cmkd.model.SegmentationNet} is a ResNet encoder with a U-Net-lite decoder whose {@code feature} is the
 * encoder's last map.
 *
 * <p>The networks share their parts through package-private helpers that add their layers as the network's own
 * children, so that the parameter names of saved runs stay what they were: {@code ResidualEncoder} (the stem and
 * stages of basic blocks of {@code ResNet} and {@code SegmentationNet}, and their common builder options),
 * {@code FeatureHead} (the adapter, ReLU and classifier of {@code TextCnn} and {@code FeatureMlp}) and
 * {@code Layers} (the convolution, linear layer and initialisers of FD-CMKD's released code).
 */
package dev.cmkd.model;
