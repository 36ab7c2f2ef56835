/**
 * Studies of FD-CMKD on the embedded benchmark: the component ablation (the paper's Table 3) and the sensitivity
 * sweeps, both {@link dev.cmkd.study.VariantStudy variant studies} run the same way, and the per-band similarity of
 * the two modalities' features.
 */
package dev.cmkd.study;
