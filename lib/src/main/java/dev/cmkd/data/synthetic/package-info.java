/**
 * Synthetic two-modality data with a known structure, made in memory from a seed: {@link
 * dev.cmkd.data.synthetic.ModalityFocusData}, decisive features of which a controlled fraction γ is shared between
 * the modalities (after the modality focusing hypothesis of Xue et al., ICLR 2023).
 */
package dev.cmkd.data.synthetic;
