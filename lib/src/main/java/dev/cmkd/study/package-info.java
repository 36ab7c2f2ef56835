/**
 * Studies of FD-CMKD on the embedded benchmark: the component ablation (the paper's Table 3), the sensitivity
 * sweeps, and the per-band similarity of the two modalities' features.
 */
package dev.cmkd.study;
