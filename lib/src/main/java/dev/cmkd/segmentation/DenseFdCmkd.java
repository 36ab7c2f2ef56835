package dev.cmkd.segmentation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.initializer.XavierInitializer.FactorType;
import ai.djl.training.initializer.XavierInitializer.RandomType;
import dev.cmkd.frequency.Bands;
import dev.cmkd.frequency.DcMode;
import dev.cmkd.frequency.FrequencyDecoupling;
import dev.cmkd.frequency.FrequencySplit;
import dev.cmkd.frequency.Implementation;
import dev.cmkd.loss.BandLoss;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.AbstractMethod;
import dev.cmkd.method.Hyperparameters;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.method.ScaleMode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FD-CMKD on dense feature maps, for segmentation. For a student map {@code f_s}, a frozen teacher map
 * {@code f_t} (both {@code [B, D, h, w]}), the student's logits {@code z_s [B, K, H, W]} and labels {@code y
 * [B, H, W]} (void ignored by {@link PixelCrossEntropy}, written CE below):
 *
 * <pre>
 *   f^low, f^high      = split(f)     {@link DenseDecoupling#SPATIAL}: 2-D radial split over (h, w) per channel
 *                                     {@link DenseDecoupling#CHANNEL}: 1-D split over D at every position
 *   task               = CE(z_s, y)
 *   psiLow, psiHigh    = CE(up(Psi_low(f_s^low)), y),  CE(up(Psi_high(f_s^high)), y)       student-only heads
 *   low                = MSE( Std(f_s^low),  Std(f_t^low) )
 *   high               = MSE( g(Std(f_s^high)), g(Std(f_t^high)) ),  g = sign(x) log(1 + |x|)
 *   phiLow             = CE(up(Phi_low(f_s^low)), y) + CE(up(Phi_low(f_t^low)), y)          shared classifier
 *   phiHigh            = CE(up(Phi_high(f_s^high)), y) + CE(up(Phi_high(f_t^high)), y)
 *   total              = sum of weight_k * term_k      (every weight 1 by default)
 * </pre>
 *
 * A head is {@code ReLU} then a 1x1 convolution to {@code K} channels (the dense form of FD-CMKD's {@code
 * ReLU -> Linear}, Xavier-normal weights, zero bias), and {@code up} repeats each pixel {@code H / h} times
 * ({@link SegmentationNet#upsample}) so that the heads are scored on the labels' grid. {@code Std} is the
 * per-sample standardization of {@link LossFunctions#standardize}: over {@code (D, h, w)} for the spatial
 * split, over {@code D} at each position for the channel split. {@link ScaleMode#BEFORE_SPLIT} standardizes
 * the whole map (in the same units) before the split instead; {@link ScaleMode#NONE} not at all. The
 * teacher's map is detached: Phi learns from both modalities, its gradient reaches only the student.
 *
 * <p>The split is made for the map's size when it is first seen (training crops and full evaluation images
 * differ), as a parameter-free {@link FrequencyDecoupling} in the method's manager.
 *
 * <p>Paper: J. Liu, Y. Zhang, T. Huang, W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via Feature
 * Disentanglement", AAAI 2026, arXiv 2511.19887. The released code has no dense case: the dense split, the
 * convolutional heads and the standardization units are our extension (method.md, section 8), with the
 * released code's defaults everywhere else (cutoff 0.5, DC excluded, log-MSE for the high band, all weights
 * 1).
 */
public final class DenseFdCmkd extends AbstractMethod {

    /** The registry name of the spatial variant (the default). */
    public static final String NAME = "fd-cmkd";
    /** The registry name of the per-position channel variant. */
    public static final String CHANNEL_NAME = "fd-cmkd-channel";

    private final int featureChannels;
    private final int numClasses;
    private final DenseDecoupling decoupling;
    private final double cutoffRatio;
    private final DcMode dcMode;
    private final Implementation implementation;
    private final ScaleMode scaleMode;
    private final double taskWeight;
    private final double bandHeadWeight;
    private final double lowWeight;
    private final double highWeight;
    private final double alignWeight;
    private final BandLoss lowLoss;
    private final BandLoss highLoss;
    private final Block psiLow;
    private final Block psiHigh;
    private final Block phiLow;
    private final Block phiHigh;
    private final Map<String, FrequencyDecoupling> splits = new ConcurrentHashMap<>();
    private NDManager splitManager;

    private DenseFdCmkd(Builder b) {
        this.featureChannels = b.featureChannels;
        this.numClasses = b.numClasses;
        this.decoupling = b.decoupling;
        this.cutoffRatio = b.cutoffRatio;
        this.dcMode = b.dcMode;
        this.implementation = b.implementation;
        this.scaleMode = b.scaleMode;
        this.taskWeight = b.taskWeight;
        this.bandHeadWeight = b.bandHeadWeight;
        this.lowWeight = b.lowWeight;
        this.highWeight = b.highWeight;
        this.alignWeight = b.alignWeight;
        boolean standardizeBands = scaleMode == ScaleMode.PER_BAND;
        this.lowLoss = BandLoss.builder().optStandardize(standardizeBands).build();
        this.highLoss = BandLoss.builder().optStandardize(standardizeBands).optSignedLog(b.signedLog).build();
        boolean heads = bandHeadWeight != 0;
        boolean phi = b.sharedClassifier && alignWeight != 0;
        psiLow = heads ? addChildBlock("psiLow", head(numClasses)) : null;
        psiHigh = heads ? addChildBlock("psiHigh", head(numClasses)) : null;
        phiLow = phi ? addChildBlock("phiLow", head(numClasses)) : null;
        phiHigh = phi ? addChildBlock("phiHigh", head(numClasses)) : null;
        if (decoupling == DenseDecoupling.CHANNEL) {
            // Fails early, in the builder's terms, if D leaves a band empty.
            FrequencySplit.builder().setChannels(featureChannels).optCutoffRatio(cutoffRatio).optDcMode(dcMode).build();
        }
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a dense band head: {@code ReLU} then a 1x1 convolution to {@code numClasses} channels. */
    static SequentialBlock head(int numClasses) {
        Conv2d conv = Conv2d.builder().setFilters(numClasses).setKernelShape(new Shape(1, 1)).build();
        conv.setInitializer(new XavierInitializer(RandomType.GAUSSIAN, FactorType.AVG, 1), Parameter.Type.WEIGHT);
        return new SequentialBlock().add(Activation::relu).add(conv);
    }

    @Override
    public String getName() {
        return decoupling == DenseDecoupling.SPATIAL ? NAME : CHANNEL_NAME;
    }

    /** Returns how the maps are split. */
    public DenseDecoupling getDecoupling() {
        return decoupling;
    }

    /** Initialises the heads for {@code [1, D, 1, 1]} maps; the splits are made per map size later. */
    @Override
    public void initialize(NDManager manager, DataType dataType, int dim, int classes) {
        if (dim != featureChannels || classes != numClasses) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "DenseFdCmkd was built for %d-channel maps and %d classes, not %d and %d", featureChannels,
                    numClasses, dim, classes));
        }
        this.splitManager = manager;
        initialize(manager, dataType, new Shape(1, featureChannels, 1, 1));
    }

    /** Splits a map {@code [B, D, h, w]} into its bands, each of the map's shape. */
    public Bands split(NDArray map) {
        checkMap(map);
        if (decoupling == DenseDecoupling.SPATIAL) {
            return splitFor(map, (int) map.getShape().get(2), (int) map.getShape().get(3)).split(map);
        }
        Bands rows = splitFor(map, 0, 0).split(map.transpose(0, 2, 3, 1));
        return new Bands(rows.low().transpose(0, 3, 1, 2), rows.high().transpose(0, 3, 1, 2),
                rows.dc() == null ? null : rows.dc().transpose(0, 3, 1, 2));
    }

    private FrequencyDecoupling splitFor(NDArray map, int height, int width) {
        String key = height + "x" + width + "/" + map.getDataType();
        return splits.computeIfAbsent(key, k -> {
            FrequencySplit.Builder split = FrequencySplit.builder().optCutoffRatio(cutoffRatio).optDcMode(dcMode);
            if (decoupling == DenseDecoupling.SPATIAL) {
                split.setSpatial(height, width);
            } else {
                split.setChannels(featureChannels);
            }
            NDManager manager = splitManager != null ? splitManager : map.getManager();
            return FrequencyDecoupling.initialized(split.build(), implementation, manager, map.getDataType());
        });
    }

    /** The student-only band heads Psi on the raw bands, upsampled to the logits' grid: psiLow, psiHigh. */
    @Override
    public Map<String, NDArray> auxiliaryLogits(ParameterStore store, NetworkOutput student, boolean training) {
        Map<String, NDArray> logits = new LinkedHashMap<>();
        if (psiLow == null) {
            return logits;
        }
        Bands bands = split(student.feature());
        int factor = factor(student);
        logits.put("psiLow", headLogits(store, psiLow, bands.low(), factor, training));
        logits.put("psiHigh", headLogits(store, psiHigh, bands.high(), factor, training));
        return logits;
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray fs = student.feature();
        NDArray ft = teacher.feature().stopGradient();
        if (!fs.getShape().equals(ft.getShape())) {
            throw new IllegalArgumentException("DenseFdCmkd: student map " + fs.getShape() + " and teacher map "
                    + ft.getShape() + " differ; use the same encoder on both modalities");
        }
        int factor = factor(student);
        LossTerms terms = new LossTerms();
        terms.add("task", taskWeight, PixelCrossEntropy.evaluate(student.logits(), labels));
        Bands s = split(fs);
        Bands t = split(ft);
        Bands sMatched = scaleMode == ScaleMode.BEFORE_SPLIT ? split(standardized(fs)) : s;
        Bands tMatched = scaleMode == ScaleMode.BEFORE_SPLIT ? split(standardized(ft)) : t;
        addBandTerms(store, terms, "Low", s.low(), t.low(), sMatched.low(), tMatched.low(), lowLoss, psiLow, phiLow,
                labels, lowWeight, factor, training);
        addBandTerms(store, terms, "High", s.high(), t.high(), sMatched.high(), tMatched.high(), highLoss, psiHigh,
                phiHigh, labels, highWeight, factor, training);
        return terms;
    }

    private void addBandTerms(ParameterStore store, LossTerms terms, String band, NDArray studentRaw,
            NDArray teacherRaw, NDArray studentMatched, NDArray teacherMatched, BandLoss loss, Block psi, Block phi,
            NDArray labels, double matchWeight, int factor, boolean training) {
        if (psi != null) {
            terms.add("psi" + band, bandHeadWeight,
                    PixelCrossEntropy.evaluate(headLogits(store, psi, studentRaw, factor, training), labels));
        }
        terms.add(band.toLowerCase(Locale.ROOT), matchWeight,
                loss.evaluate(matchingUnits(studentMatched), matchingUnits(teacherMatched)));
        if (phi != null) {
            NDArray studentTerm = PixelCrossEntropy.evaluate(headLogits(store, phi, studentRaw, factor, training),
                    labels);
            NDArray teacherTerm = PixelCrossEntropy.evaluate(headLogits(store, phi, teacherRaw, factor, training),
                    labels);
            terms.add("phi" + band, alignWeight, studentTerm.add(teacherTerm));
        }
    }

    /**
     * Returns a map in the units {@link BandLoss} standardizes: the map itself (per sample over {@code (D, h,
     * w)}) for the spatial split, its feature vectors {@code [B h w, D]} (per position) for the channel split.
     */
    private NDArray matchingUnits(NDArray map) {
        return decoupling == DenseDecoupling.SPATIAL ? map
                : map.transpose(0, 2, 3, 1).reshape(-1, featureChannels);
    }

    private NDArray standardized(NDArray map) {
        NDArray units = LossFunctions.standardize(matchingUnits(map), LossFunctions.STANDARDIZE_EPSILON);
        if (decoupling == DenseDecoupling.SPATIAL) {
            return units;
        }
        Shape shape = map.getShape();
        return units.reshape(shape.get(0), shape.get(2), shape.get(3), shape.get(1)).transpose(0, 3, 1, 2);
    }

    private static NDArray headLogits(ParameterStore store, Block head, NDArray band, int factor, boolean training) {
        return SegmentationNet.upsample(head.forward(store, new NDList(band), training).singletonOrThrow(), factor);
    }

    private int factor(NetworkOutput output) {
        long height = output.logits().getShape().get(2);
        long mapHeight = output.feature().getShape().get(2);
        long factor = height / mapHeight;
        if (factor * mapHeight != height || factor * output.feature().getShape().get(3)
                != output.logits().getShape().get(3)) {
            throw new IllegalArgumentException("DenseFdCmkd: logits " + output.logits().getShape()
                    + " are not an integer multiple of the feature map " + output.feature().getShape());
        }
        return (int) factor;
    }

    private void checkMap(NDArray map) {
        Shape shape = map.getShape();
        if (shape.dimension() != 4 || shape.get(1) != featureChannels) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "DenseFdCmkd: feature map %s is not [batch, %d, height, width]", shape, featureChannels));
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DenseFdCmkd(D=%d, K=%d, %s, cutoff %.3g, DC %s, scale %s, log %s)",
                featureChannels, numClasses, decoupling, cutoffRatio, dcMode, scaleMode, highLoss.isSignedLog());
    }

    /** Builder in DJL's style: {@code set*} required, {@code opt*} optional; defaults as the released code. */
    public static final class Builder {

        private int featureChannels;
        private int numClasses;
        private DenseDecoupling decoupling = DenseDecoupling.SPATIAL;
        private double cutoffRatio = 0.5;
        private DcMode dcMode = DcMode.EXCLUDED;
        private Implementation implementation = Implementation.FFT;
        private ScaleMode scaleMode = ScaleMode.PER_BAND;
        private boolean signedLog = true;
        private boolean sharedClassifier = true;
        private double taskWeight = 1;
        private double bandHeadWeight = 1;
        private double lowWeight = 1;
        private double highWeight = 1;
        private double alignWeight = 1;

        private Builder() {}

        /** Required: the channels {@code D} of the distilled map. */
        public Builder setFeatureChannels(int featureChannels) {
            this.featureChannels = featureChannels;
            return this;
        }

        /** Required: the number of classes {@code K}. */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Optional: spatial (default, the 2-D split) or per-position channel split. */
        public Builder optDecoupling(DenseDecoupling decoupling) {
            this.decoupling = decoupling;
            return this;
        }

        /** Optional: the cutoff ratio. Default 0.5 (the released code's half of the non-DC spectrum). */
        public Builder optCutoffRatio(double cutoffRatio) {
            this.cutoffRatio = cutoffRatio;
            return this;
        }

        /** Optional: EXCLUDED (default, released training code) or IN_LOW. */
        public Builder optDcMode(DcMode dcMode) {
            this.dcMode = dcMode;
            return this;
        }

        /**
         * Optional: FFT (default; a spatial map of {@code h w} positions would need {@code (h w)^2}
         * projection entries) or PROJECTION.
         */
        public Builder optImplementation(Implementation implementation) {
            this.implementation = implementation;
            return this;
        }

        /** Optional ablation "Scale". Default PER_BAND. */
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

        /** Optional: weight of the task cross-entropy. Default 1. */
        public Builder optTaskWeight(double weight) {
            this.taskWeight = weight;
            return this;
        }

        /** Optional: weight of each Psi head's cross-entropy; 0 removes the heads. Default 1. */
        public Builder optBandHeadWeight(double weight) {
            this.bandHeadWeight = weight;
            return this;
        }

        /** Optional: weight of the low-band matching loss. Default 1. */
        public Builder optLowWeight(double weight) {
            this.lowWeight = weight;
            return this;
        }

        /** Optional: weight of the high-band matching loss. Default 1. */
        public Builder optHighWeight(double weight) {
            this.highWeight = weight;
            return this;
        }

        /** Optional: weight of each shared classifier's pair of cross-entropies; 0 removes Phi. Default 1. */
        public Builder optAlignWeight(double weight) {
            this.alignWeight = weight;
            return this;
        }

        /** Validates and builds. */
        public DenseFdCmkd build() {
            if (featureChannels < 4 || numClasses < 2) {
                throw new IllegalArgumentException("DenseFdCmkd: setFeatureChannels(" + featureChannels
                        + ") must be at least 4 and setNumClasses(" + numClasses + ") at least 2");
            }
            if (decoupling == null || dcMode == null || implementation == null || scaleMode == null) {
                throw new IllegalArgumentException("DenseFdCmkd: decoupling, dcMode, implementation and scaleMode"
                        + " must not be null");
            }
            if (dcMode == DcMode.SEPARATE) {
                throw new IllegalArgumentException("DenseFdCmkd: DcMode.SEPARATE is for analysis; use EXCLUDED or"
                        + " IN_LOW");
            }
            if (!(cutoffRatio > 0 && cutoffRatio < 1)) {
                throw new IllegalArgumentException("DenseFdCmkd: optCutoffRatio(" + cutoffRatio
                        + ") must lie strictly between 0 and 1");
            }
            for (double weight : new double[] {taskWeight, bandHeadWeight, lowWeight, highWeight, alignWeight}) {
                Hyperparameters.requireNonNegative("DenseFdCmkd: loss weight", weight);
            }
            return new DenseFdCmkd(this);
        }
    }
}
