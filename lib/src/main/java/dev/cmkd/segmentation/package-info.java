/**
 * RGB-D semantic segmentation for cross-modal distillation: {@link dev.cmkd.segmentation.SegmentationNet} (ResNet
 * encoder, U-Net-lite decoder), {@link dev.cmkd.segmentation.PixelCrossEntropy} (void ignored), {@link
 * dev.cmkd.train.ConfusionMatrix} (mIoU, pixel accuracy), FD-CMKD on dense feature maps ({@link
 * dev.cmkd.segmentation.DenseFdCmkd}, 2-D spatial or per-position channel split) and its baselines (plain feature
 * matching, {@link dev.cmkd.segmentation.DenseFitNet}, KD / DKD / DIST per labelled pixel through {@link
 * dev.cmkd.segmentation.PerPixelMethod}, {@link dev.cmkd.segmentation.DenseC2kd}), registered in {@link
 * dev.cmkd.segmentation.SegmentationMethods}, and {@link dev.cmkd.segmentation.SegmentationLoop}, the training loop
 * with atomic checkpoints and resume.
 */
package dev.cmkd.segmentation;
