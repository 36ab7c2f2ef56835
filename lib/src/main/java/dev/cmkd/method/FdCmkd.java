package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.cmkd.frequency.Bands;
import dev.cmkd.frequency.DcMode;
import dev.cmkd.frequency.FrequencyDecoupling;
import dev.cmkd.frequency.FrequencySplit;
import dev.cmkd.frequency.Implementation;
import dev.cmkd.loss.BandLoss;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.loss.MomentMatchingLoss;
import dev.cmkd.loss.Reduction;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * FD-CMKD: frequency-decoupled cross-modal knowledge distillation. For a student feature {@code f_s}, a
 * frozen teacher feature {@code f_t} (both {@code [B, D]}), the student's logits {@code z_s} and labels
 * {@code y}:
 *
 * <pre>
 *   f^low, f^high          = FrequencyDecoupling(f)                                       (Eq. 1-3)
 *   task                   = CE(z_s, y)
 *   psiLow,  psiHigh       = CE(Psi_low(f_s^low), y),  CE(Psi_high(f_s^high), y)        student-only heads
 *   low                    = MSE( Std(f_s^low),  Std(f_t^low) )                          (Eq. 8)
 *   high                   = MSE( g(Std(f_s^high)), g(Std(f_t^high)) ),  g = sign(x) log(1+|x|)   (Eq. 9)
 *   phiLow                 = CE(Phi_low(f_s^low), y)  + CE(Phi_low(f_t^low), y)          shared classifier (Eq. 10)
 *   phiHigh                = CE(Phi_high(f_s^high), y) + CE(Phi_high(f_t^high), y)
 *   scale (optional)       = moment matching of f_s and f_t ({@link MomentMatchingLoss})
 *   total                  = sum of weight_k * term_k
 * </pre>
 *
 * Every weight defaults to 1 (the released code has none); the optional {@code scale} term defaults to
 * weight 0 and is then absent. Phi and Psi see the raw (unstandardized) bands. The teacher's feature is
 * detached, so Phi learns from both modalities but its gradient reaches only the student.
 *
 * <p><b>Ablation switches</b> (the paper's Table 3 components): {@link Builder#optFrequencySplit}
 * ("Frequency"), {@link Builder#optScaleMode} ("Scale"), {@link Builder#optSignedLog} ("Log") and
 * {@link Builder#optSharedClassifier} ("Align"). With the split off, the whole feature is one band
 * named {@code feature} (terms {@code feature}, {@code psi}, {@code phi}); it gets the signed log when
 * "Log" is on. With "Log" off the high band is matched by plain MSE.
 *
 * <p>Paper: J. Liu, Y. Zhang, T. Huang, W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via Feature
 * Disentanglement", AAAI 2026, arXiv 2511.19887. Defaults follow the authors' released code (method.md
 * in the kit's reference notes); equation numbers follow third-party readings of the paper.
 */
public final class FdCmkd extends AbstractMethod {

    /** The registry name. */
    public static final String NAME = "fd-cmkd";

    private final int featureDim;
    private final int numClasses;
    private final boolean frequencySplit;
    private final ScaleMode scaleMode;
    private final Reduction reduction;
    private final boolean sharedClassifier;
    private final double taskWeight;
    private final double bandHeadWeight;
    private final double lowWeight;
    private final double highWeight;
    private final double alignWeight;
    private final double scaleWeight;
    private final Implementation implementation;
    private final FrequencyDecoupling decoupling;
    private final BandLoss lowLoss;
    private final BandLoss highLoss;
    private final MomentMatchingLoss momentLoss = new MomentMatchingLoss();
    private final Block psiLow;
    private final Block psiHigh;
    private final Block phiLow;
    private final Block phiHigh;

    private FdCmkd(Builder b) {
        this.featureDim = b.featureDim;
        this.numClasses = b.numClasses;
        this.frequencySplit = b.frequencySplit;
        this.scaleMode = b.scaleMode;
        this.reduction = b.reduction;
        this.sharedClassifier = b.sharedClassifier;
        this.taskWeight = b.taskWeight;
        this.bandHeadWeight = b.bandHeadWeight;
        this.lowWeight = b.lowWeight;
        this.highWeight = b.highWeight;
        this.alignWeight = b.alignWeight;
        this.scaleWeight = b.scaleWeight;
        this.implementation = b.implementation;
        boolean standardizeBands = scaleMode == ScaleMode.PER_BAND;
        // With the split off, the one band is matched like the high band: signed log if "Log" is on.
        this.lowLoss = BandLoss.builder().optStandardize(standardizeBands).optReduction(b.reduction)
                .optSignedLog(!frequencySplit && b.signedLog).build();
        this.highLoss = BandLoss.builder().optStandardize(standardizeBands).optReduction(b.reduction)
                .optSignedLog(b.signedLog).build();
        if (frequencySplit) {
            FrequencySplit split = FrequencySplit.builder().setChannels(featureDim)
                    .optCutoffRatio(b.cutoffRatio).optDcMode(b.dcMode).build();
            decoupling = addChildBlock("decoupling", new FrequencyDecoupling(split, b.implementation));
        } else {
            decoupling = null;
        }
        boolean heads = bandHeadWeight != 0;
        boolean phi = sharedClassifier && alignWeight != 0;
        psiLow = heads ? addChildBlock(frequencySplit ? "psiLow" : "psi", BandClassifier.create(numClasses)) : null;
        psiHigh = heads && frequencySplit ? addChildBlock("psiHigh", BandClassifier.create(numClasses)) : null;
        phiLow = phi ? addChildBlock(frequencySplit ? "phiLow" : "phi", BandClassifier.create(numClasses)) : null;
        phiHigh = phi && frequencySplit ? addChildBlock("phiHigh", BandClassifier.create(numClasses)) : null;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String getName() {
        return NAME;
    }

    /** Returns how the bands are computed. */
    public Implementation getImplementation() {
        return implementation;
    }

    /** Returns the frequency decoupling block, or null when the split is switched off. */
    public FrequencyDecoupling getDecoupling() {
        return decoupling;
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, int dim, int classes) {
        if (dim != featureDim || classes != numClasses) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "FdCmkd was built for %d-d features and %d classes, not %d and %d", featureDim, numClasses,
                    dim, classes));
        }
        super.initialize(manager, dataType, dim, classes);
    }

    /** The student-only band heads Psi, on the raw bands: {@code psiLow}, {@code psiHigh} (or {@code psi}). */
    @Override
    public Map<String, NDArray> auxiliaryLogits(ParameterStore store, NetworkOutput student, boolean training) {
        Map<String, NDArray> logits = new LinkedHashMap<>();
        if (psiLow == null) {
            return logits;
        }
        if (!frequencySplit) {
            logits.put("psi", head(store, psiLow, student.feature(), training));
            return logits;
        }
        Bands bands = decoupling.split(student.feature());
        logits.put("psiLow", head(store, psiLow, bands.low(), training));
        logits.put("psiHigh", head(store, psiHigh, bands.high(), training));
        return logits;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray fs = student.feature();
        NDArray ft = teacher.feature().stopGradient();
        if (fs.getShape().dimension() != 2 || fs.getShape().get(1) != featureDim) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "FdCmkd: student feature shape %s is not [batch, %d]", fs.getShape(), featureDim));
        }
        LossTerms terms = new LossTerms();
        terms.add("task", taskWeight, LossFunctions.crossEntropy(student.logits(), labels));
        if (!frequencySplit) {
            addBandTerms(store, terms, "", fs, ft, matched(fs), matched(ft), lowLoss, psiLow, phiLow, labels,
                    lowWeight, training);
        } else {
            Bands s = decoupling.split(fs);
            Bands t = decoupling.split(ft);
            Bands sMatched = scaleMode == ScaleMode.BEFORE_SPLIT ? decoupling.split(matched(fs)) : s;
            Bands tMatched = scaleMode == ScaleMode.BEFORE_SPLIT ? decoupling.split(matched(ft)) : t;
            addBandTerms(store, terms, "Low", s.low(), t.low(), sMatched.low(), tMatched.low(), lowLoss, psiLow,
                    phiLow, labels, lowWeight, training);
            addBandTerms(store, terms, "High", s.high(), t.high(), sMatched.high(), tMatched.high(), highLoss,
                    psiHigh, phiHigh, labels, highWeight, training);
        }
        if (scaleWeight != 0) {
            terms.add("scale", scaleWeight, momentLoss.evaluate(fs, ft));
        }
        return terms;
    }

    /** Standardizes the whole feature when the scale mode says so, before the split. */
    private NDArray matched(NDArray feature) {
        return scaleMode == ScaleMode.BEFORE_SPLIT
                ? LossFunctions.standardize(feature, LossFunctions.STANDARDIZE_EPSILON) : feature;
    }

    private void addBandTerms(ParameterStore store, LossTerms terms, String band, NDArray studentRaw,
            NDArray teacherRaw, NDArray studentMatched, NDArray teacherMatched, BandLoss loss, Block psi, Block phi,
            NDArray labels, double matchWeight, boolean training) {
        String matchName = band.isEmpty() ? "feature" : band.toLowerCase(Locale.ROOT);
        if (psi != null) {
            terms.add("psi" + band, bandHeadWeight, classify(store, psi, studentRaw, labels, training));
        }
        terms.add(matchName, matchWeight, loss.evaluate(studentMatched, teacherMatched));
        if (phi != null) {
            NDArray studentTerm = classify(store, phi, studentRaw, labels, training);
            NDArray teacherTerm = classify(store, phi, teacherRaw, labels, training);
            terms.add("phi" + band, alignWeight, studentTerm.add(teacherTerm));
        }
    }

    private static NDArray classify(ParameterStore store, Block head, NDArray band, NDArray labels,
            boolean training) {
        return LossFunctions.crossEntropy(head(store, head, band, training), labels);
    }

    private static NDArray head(ParameterStore store, Block head, NDArray band, boolean training) {
        return head.forward(store, new NDList(band), training).singletonOrThrow();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FdCmkd(D=%d, C=%d, split=%s, implementation=%s, scale=%s, log=%s,"
                + " align=%s, reduction=%s, weights: task=%s bandHeads=%s low=%s high=%s align=%s scale=%s)",
                featureDim, numClasses, decoupling == null ? "off" : decoupling.getSplit(), implementation,
                scaleMode, highLoss.isSignedLog(), sharedClassifier, reduction, taskWeight,
                bandHeadWeight, lowWeight, highWeight, alignWeight, scaleWeight);
    }

    /** Builder in DJL's style: {@code set*} required, {@code opt*} optional. Defaults are the released code's. */
    public static final class Builder {

        private int featureDim;
        private int numClasses;
        private double cutoffRatio = 0.5;
        private DcMode dcMode = DcMode.EXCLUDED;
        private Implementation implementation = Implementation.PROJECTION;
        private boolean frequencySplit = true;
        private ScaleMode scaleMode = ScaleMode.PER_BAND;
        private boolean signedLog = true;
        private boolean sharedClassifier = true;
        private Reduction reduction = Reduction.MEAN;
        private double taskWeight = 1;
        private double bandHeadWeight = 1;
        private double lowWeight = 1;
        private double highWeight = 1;
        private double alignWeight = 1;
        private double scaleWeight;

        private Builder() {}

        /** Required: the feature dimension {@code D} (512 for ResNet-18). */
        public Builder setFeatureDim(int featureDim) {
            this.featureDim = featureDim;
            return this;
        }

        /** Required: the number of classes {@code C}. */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Optional: the cutoff ratio of the split. Default 0.5 (released code). */
        public Builder optCutoffRatio(double cutoffRatio) {
            this.cutoffRatio = cutoffRatio;
            return this;
        }

        /** Optional: the DC handling, EXCLUDED or IN_LOW. Default EXCLUDED (released training code). */
        public Builder optDcMode(DcMode dcMode) {
            this.dcMode = dcMode;
            return this;
        }

        /**
         * Optional: how bands are computed; both give the same values and gradients (golden-tested).
         * Default {@link Implementation#PROJECTION}, the faster at the paper's {@code D = 512}; the FFT is
         * faster from about {@code D = 2048} ({@code lib/bin/kit benchmark features}).
         */
        public Builder optImplementation(Implementation implementation) {
            this.implementation = implementation;
            return this;
        }

        /** Optional ablation "Frequency": split the feature into bands. Default true. */
        public Builder optFrequencySplit(boolean frequencySplit) {
            this.frequencySplit = frequencySplit;
            return this;
        }

        /** Optional ablation "Scale": where to standardize. Default PER_BAND (released code); NONE is "off". */
        public Builder optScaleMode(ScaleMode scaleMode) {
            this.scaleMode = scaleMode;
            return this;
        }

        /** Optional ablation "Log": log-MSE for the high band. Default true. */
        public Builder optSignedLog(boolean signedLog) {
            this.signedLog = signedLog;
            return this;
        }

        /** Optional ablation "Align": the shared classifiers Phi. Default true. */
        public Builder optSharedClassifier(boolean sharedClassifier) {
            this.sharedClassifier = sharedClassifier;
            return this;
        }

        /** Optional: reduction of the band losses over channels. Default MEAN (released code). */
        public Builder optReduction(Reduction reduction) {
            this.reduction = reduction;
            return this;
        }

        /** Optional: weight of the student's task cross-entropy. Default 1. */
        public Builder optTaskWeight(double weight) {
            this.taskWeight = weight;
            return this;
        }

        /** Optional: weight of each student-only head Psi's cross-entropy; 0 removes the heads. Default 1. */
        public Builder optBandHeadWeight(double weight) {
            this.bandHeadWeight = weight;
            return this;
        }

        /** Optional: weight of the low-band (or, split off, whole-feature) matching loss. Default 1. */
        public Builder optLowWeight(double weight) {
            this.lowWeight = weight;
            return this;
        }

        /** Optional: weight of the high-band matching loss. Default 1. */
        public Builder optHighWeight(double weight) {
            this.highWeight = weight;
            return this;
        }

        /** Optional: weight of each shared classifier's cross-entropy pair. Default 1. */
        public Builder optAlignWeight(double weight) {
            this.alignWeight = weight;
            return this;
        }

        /** Optional: weight of the explicit moment-matching scale term; 0 removes it. Default 0. */
        public Builder optScaleWeight(double weight) {
            this.scaleWeight = weight;
            return this;
        }

        /** Validates and builds. */
        public FdCmkd build() {
            if (featureDim < 4) {
                throw new IllegalArgumentException("FdCmkd: setFeatureDim(" + featureDim + ") must be at least 4");
            }
            if (numClasses < 2) {
                throw new IllegalArgumentException("FdCmkd: setNumClasses(" + numClasses + ") must be at least 2");
            }
            if (dcMode == DcMode.SEPARATE) {
                throw new IllegalArgumentException("FdCmkd: DcMode.SEPARATE is for analysis; use EXCLUDED"
                        + " (released training code) or IN_LOW");
            }
            if (implementation == null || scaleMode == null || reduction == null || dcMode == null) {
                throw new IllegalArgumentException("FdCmkd: implementation, scaleMode, reduction and dcMode"
                        + " must not be null");
            }
            double[] weights = {taskWeight, bandHeadWeight, lowWeight, highWeight, alignWeight, scaleWeight};
            for (double weight : weights) {
                Hyperparameters.requireNonNegative("FdCmkd: loss weight", weight);
            }
            return new FdCmkd(this);
        }
    }
}
