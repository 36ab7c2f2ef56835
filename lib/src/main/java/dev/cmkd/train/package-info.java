/** Training: one optimisation step of a teacher (cross-entropy) or of a distilled student. */
package dev.cmkd.train;
