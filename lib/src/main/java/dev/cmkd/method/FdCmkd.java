package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.cmkd.frequency.Band;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * FD-CMKD: frequency-decoupled cross-modal knowledge distillation, on pooled features ({@link
 * FeatureLayout#VECTOR}, the paper's and the released code's case) or on feature maps ({@link
 * FeatureLayout#MAP}, segmentation; our extension). For a student feature {@code f_s}, a frozen teacher
 * feature {@code f_t} of the same shape, the student's logits {@code z_s} and labels {@code y}:
 *
 * <pre>
 *   term      value                                                          paper
 *   task      CE(z_s, y)
 *   psiLow    CE(Psi_low(f_s^low), y)                                        student-only heads
 *   psiHigh   CE(Psi_high(f_s^high), y)
 *   low       MSE( Std(f_s^low),  Std(f_t^low) )                             Eq. 8
 *   high      MSE( g(Std(f_s^high)), g(Std(f_t^high)) ),  g = sign(x) log(1+|x|)   Eq. 9
 *   phiLow    CE(Phi_low(f_s^low), y)  + CE(Phi_low(f_t^low), y)             shared classifier, Eq. 10
 *   phiHigh   CE(Phi_high(f_s^high), y) + CE(Phi_high(f_t^high), y)
 *   scale     moment matching of f_s and f_t ({@link MomentMatchingLoss})    optional, VECTOR only
 *   total     sum of weight_k * term_k
 * </pre>
 *
 * with {@code f^low, f^high = FrequencyDecoupling(f)} (Eq. 1-3). How each layout reads the terms:
 *
 * <pre>
 *                 VECTOR: f [B, D], z [B, C], y [B]          MAP: f [B, D, h, w], z [B, K, H, W], y [B, H, W]
 *   split         1-D over D ({@link FrequencyDecoupling})   {@link MapDecoupling#SPATIAL} (default): 2-D radial
 *                                                            over (h, w) per channel; {@link
 *                                                            MapDecoupling#CHANNEL}: 1-D over D at every position
 *   CE            {@link LossFunctions#crossEntropy}         {@link dev.cmkd.loss.PixelCrossEntropy}, void ignored
 *   Psi, Phi      ReLU, Linear(C)                            ReLU, 1x1 conv(K), upsampled to the logits' grid
 *   Std           per sample over D                          SPATIAL: per sample over (D, h, w); CHANNEL: per
 *                                                            position over D
 * </pre>
 *
 * Every weight defaults to 1 (the released code has none); the optional {@code scale} term defaults to
 * weight 0 and is then absent. Phi and Psi see the raw (unstandardized) bands. The teacher's feature is
 * detached, so Phi learns from both modalities but its gradient reaches only the student. The heads keep
 * PyTorch's default initialisation, as in the released code ({@link BandClassifier}); on maps the logits of a head
 * are upsampled by repeating each pixel {@code H / h} times ({@link FeatureMaps#upsample}). A map's split is made
 * for its size when it is first seen (training crops and full evaluation images differ), as a parameter-free {@link
 * FrequencyDecoupling} in the method's manager.
 *
 * <p><b>Which feature.</b> {@code f} is the feature the backbone returns, at the network's {@link
 * dev.cmkd.model.FeaturePoint}: by default the pooled output of the last residual block <em>after</em> its ReLU,
 * what the released code distils (its {@code pre_out} aliases the block's output, which {@code nn.ReLU(inplace=True)}
 * overwrites), non-negative with a large channel mean, the DC bin that both bands exclude by default; or, with
 * {@code featurePoint=pre-relu}, the residual sum before the ReLU, what the code's variable names promise (method.md
 * section 2.2).
 *
 * <p><b>Ablation switches</b> (the paper's Table 3 components): {@link Builder#optFrequencySplit}
 * ("Frequency"), {@link Builder#optScaleMode} ("Scale"), {@link Builder#optSignedLog} ("Log") and
 * {@link Builder#optSharedClassifier} ("Align"). With the split off (VECTOR only), the whole feature is one
 * band named {@code feature} (terms {@code feature}, {@code psi}, {@code phi}); it gets the signed log when
 * "Log" is on. With "Log" off the high band is matched by plain MSE. {@link ScaleMode#BEFORE_SPLIT}
 * standardizes the whole feature (in the units of {@code Std}) before the split.
 *
 * <p>Paper: J. Liu, Y. Zhang, T. Huang, W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via Feature
 * Disentanglement", AAAI 2026, arXiv 2511.19887. Defaults follow the authors' released code (method.md
 * in the kit's reference notes); equation numbers follow third-party readings of the paper. The released
 * code has no dense case: the map splits, the convolutional heads and the standardization units are our
 * extension (method.md, section 8), with the released code's defaults everywhere else.
 */
public final class FdCmkd extends AbstractMethod {

    /** The registry name (for maps: the spatial split). */
    public static final String NAME = "fd-cmkd";
    /** The registry name of the per-position channel split of maps ({@link MapDecoupling#CHANNEL}). */
    public static final String CHANNEL_NAME = "fd-cmkd-channel";

    private final MapDecoupling mapDecoupling;
    private final double cutoffRatio;
    private final DcMode dcMode;
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
    /** MAP only: the splits by map size and data type, made when first seen. */
    private final Map<String, FrequencyDecoupling> mapSplits = new ConcurrentHashMap<>();
    private NDManager splitManager;

    private FdCmkd(Builder b) {
        super(b.layout == FeatureLayout.MAP && b.mapDecoupling == MapDecoupling.CHANNEL ? CHANNEL_NAME : NAME,
                b.layout);
        this.mapDecoupling = layout == FeatureLayout.VECTOR ? null
                : b.mapDecoupling != null ? b.mapDecoupling : MapDecoupling.SPATIAL;
        this.cutoffRatio = b.cutoffRatio;
        this.dcMode = b.dcMode;
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
        // VECTOR: resolved now, so that methodConfig names the path (PROJECTION at D < 1024, as before the rule)
        this.implementation = layout == FeatureLayout.VECTOR
                ? (b.implementation != null ? b.implementation : Implementation.AUTO).resolve(b.featureDim)
                : b.implementation != null ? b.implementation : Implementation.FFT;
        // With the split off, the one band is matched like the high band: signed log if "Log" is on.
        this.lowLoss = bandLoss(!frequencySplit && b.signedLog);
        this.highLoss = bandLoss(b.signedLog);
        if (frequencySplit && layout == FeatureLayout.VECTOR) {
            decoupling = addChildBlock("decoupling", new FrequencyDecoupling(channelSplit().build(), implementation));
        } else {
            decoupling = null; // maps: split per map size (splitFor), not a child, as in old checkpoints
            if (mapDecoupling == MapDecoupling.CHANNEL) {
                channelSplit().build(); // fails early, in the builder's terms, if D leaves a band empty
            }
        }
        boolean heads = bandHeadWeight != 0;
        boolean phi = sharedClassifier && alignWeight != 0;
        // Children in this order, named as in old checkpoints.
        psiLow = bandClassifier(heads, frequencySplit ? "psiLow" : "psi");
        psiHigh = bandClassifier(heads && frequencySplit, "psiHigh");
        phiLow = bandClassifier(phi, frequencySplit ? "phiLow" : "phi");
        phiHigh = bandClassifier(phi && frequencySplit, "phiHigh");
    }

    /** Returns a band-matching loss with the method's scale mode and reduction. */
    private BandLoss bandLoss(boolean signedLog) {
        return BandLoss.builder().optStandardize(scaleMode == ScaleMode.PER_BAND).optReduction(reduction)
                .optSignedLog(signedLog).build();
    }

    /** Returns the split over the {@code D} channels, with the method's cutoff and DC mode. */
    private FrequencySplit.Builder channelSplit() {
        return FrequencySplit.builder().setChannels(featureDim).optCutoffRatio(cutoffRatio).optDcMode(dcMode);
    }

    /** Adds and returns a band classifier named {@code name} if {@code present}, else returns null. */
    private Block bandClassifier(boolean present, String name) {
        return present ? addChildBlock(name, BandClassifier.create(layout, featureDim, numClasses)) : null;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns how the bands are computed. */
    public Implementation getImplementation() {
        return implementation;
    }

    /** Returns the frequency decoupling block of pooled features, or null (split off, or maps: see {@link #split}). */
    public FrequencyDecoupling getDecoupling() {
        return decoupling;
    }

    /**
     * Returns one of the method's band classifiers ({@link BandClassifier}), to apply it outside {@link #evaluate}
     * (the method notebook shows each head's logits): the shared classifier Phi ({@code shared}) or the
     * student-only head Psi of {@code band}, {@link Band#LOW} or {@link Band#HIGH}. With the frequency split off,
     * the one head of each kind ({@code phi}, {@code psi}) is the {@link Band#LOW} one. The block is the method's
     * own: training changes it.
     *
     * @throws IllegalArgumentException if the method has no such head (DC, the band heads' or the align weight 0,
     *     the shared classifier or the split off)
     */
    public Block getBandClassifier(Band band, boolean shared) {
        Block head = band == Band.LOW ? (shared ? phiLow : psiLow) : band == Band.HIGH ? (shared ? phiHigh : psiHigh)
                : null;
        if (head == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "FdCmkd has no %s head of the %s band"
                    + " (%s)", shared ? "shared Phi" : "student-only Psi", band, this));
        }
        return head;
    }

    /** Initialises the heads for {@code [1, D]} features or {@code [1, D, 1, 1]} maps (whose splits come later). */
    @Override
    public void initialize(NDManager manager, DataType dataType, int dim, int classes) {
        if (dim != featureDim || classes != numClasses) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "FdCmkd was built for %d-d features and %d classes, not %d and %d", featureDim, numClasses,
                    dim, classes));
        }
        if (layout == FeatureLayout.MAP) {
            this.splitManager = manager;
        }
        super.initialize(manager, dataType, dim, classes);
    }

    /**
     * Splits a feature {@code [B, D]} or a map {@code [B, D, h, w]} into its bands, each of the input's shape.
     *
     * @throws IllegalStateException if the split is switched off
     */
    public Bands split(NDArray feature) {
        if (layout == FeatureLayout.VECTOR) {
            if (decoupling == null) {
                throw new IllegalStateException("FdCmkd: the frequency split is switched off");
            }
            return decoupling.split(feature);
        }
        Shape shape = feature.getShape();
        if (shape.dimension() != 4 || shape.get(1) != featureDim) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "FdCmkd: feature map %s is not [batch, %d, height, width]", shape, featureDim));
        }
        if (mapDecoupling == MapDecoupling.SPATIAL) {
            return splitFor(feature, (int) shape.get(2), (int) shape.get(3)).split(feature);
        }
        Bands rows = splitFor(feature, 0, 0).split(feature.transpose(0, 2, 3, 1));
        return new Bands(rows.low().transpose(0, 3, 1, 2), rows.high().transpose(0, 3, 1, 2),
                rows.dc() == null ? null : rows.dc().transpose(0, 3, 1, 2));
    }

    private FrequencyDecoupling splitFor(NDArray map, int height, int width) {
        String key = height + "x" + width + "/" + map.getDataType();
        return mapSplits.computeIfAbsent(key, k -> {
            FrequencySplit.Builder split = mapDecoupling == MapDecoupling.SPATIAL
                    ? FrequencySplit.builder().setSpatial(height, width).optCutoffRatio(cutoffRatio).optDcMode(dcMode)
                    : channelSplit();
            NDManager manager = splitManager != null ? splitManager : map.getManager();
            return FrequencyDecoupling.initialized(split.build(), implementation, manager, map.getDataType());
        });
    }

    /**
     * The student-only band heads Psi, on the raw bands: {@code psiLow}, {@code psiHigh} (or {@code psi}); on
     * maps upsampled to the logits' grid.
     */
    @Override
    public Map<String, NDArray> auxiliaryLogits(ParameterStore store, NetworkOutput student, boolean training) {
        Map<String, NDArray> logits = new LinkedHashMap<>();
        if (psiLow == null) {
            return logits;
        }
        if (!frequencySplit) {
            logits.put("psi", head(store, psiLow, student.feature(), 1, training));
            return logits;
        }
        Bands bands = split(student.feature());
        int factor = upsampleFactor(student);
        logits.put("psiLow", head(store, psiLow, bands.low(), factor, training));
        logits.put("psiHigh", head(store, psiHigh, bands.high(), factor, training));
        return logits;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray fs = student.feature();
        NDArray ft = teacher.feature().stopGradient();
        if (layout == FeatureLayout.VECTOR && (fs.getShape().dimension() != 2 || fs.getShape().get(1) != featureDim)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "FdCmkd: student feature shape %s is not [batch, %d]", fs.getShape(), featureDim));
        }
        if (layout == FeatureLayout.MAP) {
            FeatureMaps.requireSameShape("FdCmkd", fs, ft);
        }
        int factor = upsampleFactor(student);
        LossTerms terms = taskTerm(taskWeight, student, labels);
        if (!frequencySplit) {
            addBandTerms(store, terms, "", fs, ft, matched(fs), matched(ft), lowLoss, psiLow, phiLow, labels,
                    lowWeight, factor, training);
        } else {
            Bands s = split(fs);
            Bands t = split(ft);
            Bands sMatched = scaleMode == ScaleMode.BEFORE_SPLIT ? split(matched(fs)) : s;
            Bands tMatched = scaleMode == ScaleMode.BEFORE_SPLIT ? split(matched(ft)) : t;
            addBandTerms(store, terms, "Low", s.low(), t.low(), sMatched.low(), tMatched.low(), lowLoss, psiLow,
                    phiLow, labels, lowWeight, factor, training);
            addBandTerms(store, terms, "High", s.high(), t.high(), sMatched.high(), tMatched.high(), highLoss,
                    psiHigh, phiHigh, labels, highWeight, factor, training);
        }
        if (scaleWeight != 0) {
            terms.add("scale", scaleWeight, momentLoss.evaluate(fs, ft));
        }
        return terms;
    }

    /** Standardizes the whole feature, in the units of {@code Std}, when the scale mode says so, before the split. */
    private NDArray matched(NDArray feature) {
        if (scaleMode != ScaleMode.BEFORE_SPLIT) {
            return feature;
        }
        NDArray units = LossFunctions.standardize(matchingUnits(feature), LossFunctions.STANDARDIZE_EPSILON);
        if (mapDecoupling != MapDecoupling.CHANNEL) {
            return units;
        }
        Shape shape = feature.getShape();
        return units.reshape(shape.get(0), shape.get(2), shape.get(3), shape.get(1)).transpose(0, 3, 1, 2);
    }

    /**
     * Returns a feature in the units {@link BandLoss} standardizes (per row): the feature itself (per sample,
     * over {@code D} or over {@code (D, h, w)} for the spatial split), or for the channel split of maps its
     * feature vectors {@code [B h w, D]} (per position).
     */
    private NDArray matchingUnits(NDArray feature) {
        return mapDecoupling == MapDecoupling.CHANNEL ? feature.transpose(0, 2, 3, 1).reshape(-1, featureDim) : feature;
    }

    private void addBandTerms(ParameterStore store, LossTerms terms, String band, NDArray studentRaw,
            NDArray teacherRaw, NDArray studentMatched, NDArray teacherMatched, BandLoss loss, Block psi, Block phi,
            NDArray labels, double matchWeight, int factor, boolean training) {
        String matchName = band.isEmpty() ? "feature" : band.toLowerCase(Locale.ROOT);
        if (psi != null) {
            terms.add("psi" + band, bandHeadWeight, classify(store, psi, studentRaw, labels, factor, training));
        }
        terms.add(matchName, matchWeight, loss.evaluate(matchingUnits(studentMatched), matchingUnits(teacherMatched)));
        if (phi != null) {
            NDArray studentTerm = classify(store, phi, studentRaw, labels, factor, training);
            NDArray teacherTerm = classify(store, phi, teacherRaw, labels, factor, training);
            terms.add("phi" + band, alignWeight, studentTerm.add(teacherTerm));
        }
    }

    private NDArray classify(ParameterStore store, Block head, NDArray band, NDArray labels, int factor,
            boolean training) {
        return layout.taskLoss(head(store, head, band, factor, training), labels);
    }

    /** Returns a head's logits on a band, upsampled by {@code factor} (1 for VECTOR). */
    private static NDArray head(ParameterStore store, Block head, NDArray band, int factor, boolean training) {
        return FeatureMaps.upsample(apply(head, store, band, training), factor);
    }

    /** Returns how many times the logits' grid is the feature map's (1 for VECTOR). */
    private int upsampleFactor(NetworkOutput output) {
        return layout == FeatureLayout.VECTOR ? 1
                : FeatureMaps.upsampleFactor("FdCmkd", output.logits().getShape(), output.feature().getShape());
    }

    /** Describes the settings; for VECTOR the string recorded as {@code methodConfig} of existing runs (keep it). */
    @Override
    public String toString() {
        if (layout == FeatureLayout.MAP) {
            return String.format(Locale.ROOT, "FdCmkd(MAP, D=%d, K=%d, %s, cutoff %.3g, DC %s, implementation=%s,"
                    + " scale %s, log %s, align %s, weights: task=%s bandHeads=%s low=%s high=%s align=%s)",
                    featureDim, numClasses, mapDecoupling, cutoffRatio, dcMode, implementation, scaleMode,
                    highLoss.isSignedLog(), sharedClassifier, taskWeight, bandHeadWeight, lowWeight, highWeight,
                    alignWeight);
        }
        return String.format(Locale.ROOT, "FdCmkd(D=%d, C=%d, split=%s, implementation=%s, scale=%s, log=%s,"
                + " align=%s, reduction=%s, weights: task=%s bandHeads=%s low=%s high=%s align=%s scale=%s)",
                featureDim, numClasses, decoupling == null ? "off" : decoupling.getSplit(), implementation,
                scaleMode, highLoss.isSignedLog(), sharedClassifier, reduction, taskWeight,
                bandHeadWeight, lowWeight, highWeight, alignWeight, scaleWeight);
    }

    /** Builder in DJL's style: {@code set*} required, {@code opt*} optional. Defaults are the released code's. */
    public static final class Builder extends LayoutBuilder<Builder> {

        private MapDecoupling mapDecoupling;
        private double cutoffRatio = 0.5;
        private DcMode dcMode = DcMode.EXCLUDED;
        private Implementation implementation;
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

        @Override
        Builder self() {
            return this;
        }

        /**
         * Optional, {@link FeatureLayout#MAP} only: how a map is split. Default {@link MapDecoupling#SPATIAL}
         * (our choice; {@link MapDecoupling#CHANNEL} is the released code's split at every position).
         */
        public Builder optDecoupling(MapDecoupling decoupling) {
            this.mapDecoupling = decoupling;
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
         * Default for VECTOR {@link Implementation#AUTO}, resolved when the method is built: {@link
         * Implementation#PROJECTION} below {@code D = } {@link Implementation#FFT_FROM} (1024; the paper's {@code D
         * = 512} among them, so existing runs keep their identity), {@link Implementation#FFT} from there on, the
         * faster path measured by {@code lib/bin/kit benchmark features --featureGrid=true}. An explicit choice
         * wins. Default for MAP {@link Implementation#FFT} (kept: the map splits change size between training
         * crops and evaluation images, and a change would alter the identity of existing runs); {@link
         * Implementation#AUTO} picks per map size ({@code h w} bins).
         */
        public Builder optImplementation(Implementation implementation) {
            this.implementation = implementation;
            return this;
        }

        /** Optional ablation "Frequency": split the feature into bands. Default true; VECTOR only. */
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

        /** Optional: reduction of the band losses over channels. Default MEAN (released code); SUM is VECTOR only. */
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

        /** Optional: weight of the explicit moment-matching scale term; 0 removes it. Default 0; VECTOR only. */
        public Builder optScaleWeight(double weight) {
            this.scaleWeight = weight;
            return this;
        }

        /** Validates and builds. */
        public FdCmkd build() {
            validate("FdCmkd", 4);
            if (dcMode == DcMode.SEPARATE) {
                throw new IllegalArgumentException("FdCmkd: DcMode.SEPARATE is for analysis; use EXCLUDED"
                        + " (released training code) or IN_LOW");
            }
            if (scaleMode == null || reduction == null || dcMode == null) {
                throw new IllegalArgumentException("FdCmkd: scaleMode, reduction and dcMode must not be null");
            }
            if (frequencySplit && !(cutoffRatio > 0 && cutoffRatio < 1)) {
                throw new IllegalArgumentException("FdCmkd: optCutoffRatio(" + cutoffRatio
                        + ") must lie strictly between 0 and 1");
            }
            if (layout == FeatureLayout.VECTOR && mapDecoupling != null) {
                throw new IllegalArgumentException("FdCmkd: optDecoupling(" + mapDecoupling + ") is for"
                        + " FeatureLayout.MAP; pooled features are split over their channels");
            }
            if (layout == FeatureLayout.MAP && (!frequencySplit || reduction != Reduction.MEAN || scaleWeight != 0)) {
                throw new IllegalArgumentException("FdCmkd: optFrequencySplit(" + frequencySplit + "), optReduction("
                        + reduction + ") and optScaleWeight(" + scaleWeight + ") must keep their defaults (true,"
                        + " MEAN, 0) for FeatureLayout.MAP");
            }
            for (double weight : new double[] {taskWeight, bandHeadWeight, lowWeight, highWeight, alignWeight,
                    scaleWeight}) {
                Hyperparameters.requireNonNegative("FdCmkd: loss weight", weight);
            }
            return new FdCmkd(this);
        }
    }
}
