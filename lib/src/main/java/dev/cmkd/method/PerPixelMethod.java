package dev.cmkd.method;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.PixelCrossEntropy;

import java.util.Locale;

/**
 * A classification logit-distillation method ({@link dev.cmkd.method.LogitKd}, {@link dev.cmkd.method.Dkd},
 * {@link dev.cmkd.method.Dist}) applied per pixel: every labelled pixel is one sample. The logits {@code [B, K,
 * H, W]} of student and teacher become {@code [N, K]} and the labels {@code [B, H, W]} become {@code [N]}, with
 * {@code N} the labelled (non-void, label {@code >= 0}) pixels of the batch in row-major {@code (b, y, x)}
 * order; the classification method then runs unchanged on these rows, so its formulas hold with "sample" read
 * as "labelled pixel":
 *
 * <pre>
 *   kd    (1 - alpha) CE + alpha T^2 (1/N) sum_p KL(p_t(p) || p_s(p))           pixel-wise KD
 *   dkd   CE + w(e) (alpha TCKD + beta NCKD), each the mean over the N pixels
 *   dist  CE + beta inter + gamma intra: inter-class relation per pixel (over the K classes), intra-class
 *         relation per class over the N labelled pixels of the batch
 * </pre>
 *
 * and CE is exactly {@link PixelCrossEntropy}. Pixel-wise KD is the "pixel-wise distillation" term of Y. Liu,
 * K. Chen, C. Liu, Z. Qin, Z. Luo, J. Wang, "Structured Knowledge Distillation for Semantic Segmentation",
 * CVPR 2019 (arXiv 1903.04197), with the temperature of Hinton's KD as in CIRKD's {@code CriterionKD} (C. Yang
 * et al., "Cross-Image Relational Knowledge Distillation for Semantic Segmentation", CVPR 2022; released code
 * github.com/winycg/CIRKD, {@code losses/kd.py}), which reshapes {@code [B, K, H, W]} to {@code [BHW, K]} and
 * takes the {@code batchmean} KL times {@code T^2}. <b>Difference from CIRKD:</b> CIRKD averages the KL over
 * every pixel, void included; here the distillation terms, like the task term, see only the labelled pixels
 * (our choice: a void pixel has no class, so DKD's target/non-target split does not exist there, and one
 * convention for the three methods keeps them comparable). DKD's and DIST's papers define their losses on
 * {@code [B, C]} logits; with pixels as samples, DIST's inter-class relation is taken at each pixel and its
 * intra-class relation per class across the labelled pixels of the batch (the transpose of the {@code [N, K]}
 * rows), our reading of the formulas for dense outputs.
 *
 * <p>The epoch ({@link #setEpoch}) is passed on, so DKD's warm-up (20 epochs by default) applies unchanged. A
 * batch without a labelled pixel contributes 0 to every term (as {@link PixelCrossEntropy} does), still on the
 * autograd graph. The method has no parameters of its own; the distilled maps are not used.
 */
public final class PerPixelMethod extends AbstractMethod {

    private final DistillationMethod classification;

    private PerPixelMethod(DistillationMethod classification) {
        super(classification.getName());
        this.classification = classification;
    }

    /**
     * Returns {@code classification} applied per labelled pixel. It must read only the logits and labels of
     * {@link NetworkOutput} (a logit method with no parameters and a frozen teacher).
     */
    public static PerPixelMethod of(DistillationMethod classification) {
        if (classification.trainsTeacher() || !classification.getChildren().isEmpty()) {
            throw new IllegalArgumentException("PerPixelMethod: " + classification.getName() + " has parameters or"
                    + " co-trains its teacher; only parameter-free logit methods with a frozen teacher can be applied"
                    + " per pixel (FitNet and C2KD have their own FeatureLayout.MAP forms)");
        }
        return new PerPixelMethod(classification);
    }

    /** Returns the classification method applied at each pixel. */
    public DistillationMethod classification() {
        return classification;
    }

    @Override
    public void setEpoch(int epoch) {
        classification.setEpoch(epoch);
    }

    @Override
    public LossTerms evaluate(ParameterStore store, NetworkOutput student, NetworkOutput teacher, NDArray labels,
            boolean training) {
        NDArray studentLogits = student.logits();
        if (studentLogits.getShape().dimension() != 4 || !studentLogits.getShape().equals(teacher.logits().getShape())
                || labels.getShape().dimension() != 3 || labels.getShape().get(0) != studentLogits.getShape().get(0)
                || labels.getShape().get(1) != studentLogits.getShape().get(2)
                || labels.getShape().get(2) != studentLogits.getShape().get(3)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s per pixel: student logits %s, teacher"
                    + " logits %s and labels %s are not [B, K, H, W], [B, K, H, W] and [B, H, W]", getName(),
                    studentLogits.getShape(), teacher.logits().getShape(), labels.getShape()));
        }
        return FeatureMaps.onLabelledPixels(labels, (keep, rowLabels) -> classification.evaluate(store,
                new NetworkOutput(FeatureMaps.rows(studentLogits).get(keep), null),
                new NetworkOutput(FeatureMaps.rows(teacher.logits()).get(keep), null), rowLabels, training));
    }

    @Override
    public String toString() {
        return "PerPixel(" + classification + ")";
    }
}
