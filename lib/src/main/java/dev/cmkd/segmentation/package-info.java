/**
 * RGB-D semantic segmentation for cross-modal distillation: {@link dev.cmkd.segmentation.SegmentationNet} (ResNet
 * encoder, U-Net-lite decoder), {@link dev.cmkd.segmentation.ConfusionMatrix} (mIoU, pixel accuracy) and {@link
 * dev.cmkd.segmentation.SegmentationLoop}, the training loop with atomic checkpoints and resume. The methods on
 * dense feature maps are those of {@link dev.cmkd.method} with {@link dev.cmkd.method.FeatureLayout#MAP}, listed
 * by {@link dev.cmkd.method.MethodRegistry#names(dev.cmkd.method.FeatureLayout)}; the task loss is {@link
 * dev.cmkd.loss.PixelCrossEntropy} (void ignored).
 */
package dev.cmkd.segmentation;
