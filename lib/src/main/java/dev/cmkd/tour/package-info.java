/**
 * A guided run of FD-CMKD on synthetic two-modality data: the features, their spectrum, the bands,
 * every loss term and the shared classifier, with tables and figures written to disk ({@code lib/bin/kit
 * tour}), and the code behind the first notebook.
 */
package dev.cmkd.tour;
