/**
 * Images for the image modality: {@link dev.cmkd.data.image.ImageTransform} turns a decoded picture into a
 * normalised {@code 3 x S x S} float array with the augmentation of the paper's visual pipeline
 * (RandomResizedCrop and horizontal flip in training, a plain resize at test, ImageNet normalisation).
 */
package dev.cmkd.data.image;
