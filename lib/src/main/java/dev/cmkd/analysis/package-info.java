/**
 * Analyses of features across modalities: how similar two models' features are in each frequency band
 * (the observation FD-CMKD is built on) and how their energy spreads over the spectrum.
 */
package dev.cmkd.analysis;
