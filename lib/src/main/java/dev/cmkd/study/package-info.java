/**
 * Studies of FD-CMKD on the embedded benchmark: the component ablation (the paper's Table 3) and the sensitivity
 * sweeps, both {@link dev.cmkd.study.VariantStudy variant studies} run the same way; the calibration of the hard
 * default; the MFH study; and the similarity study ({@link dev.cmkd.study.SimilarityStudy}), the per-band similarity
 * of two networks' features over seeds, feature points, pairs and controls, read against the mean-only null model
 * ({@link dev.cmkd.study.SimilarityFindings}).
 */
package dev.cmkd.study;
