package dev.cmkd.model;

/**
 * Where a backbone takes the feature that the distillation methods see: after or before the last activation.
 *
 * <p>FD-CMKD's released code ({@code models/backbone.py}) ends its basic block with {@code out += identity; pre_out =
 * out; out = self.relu(out)}, {@code self.relu = nn.ReLU(inplace=True)}: {@code pre_out} is the same tensor as {@code
 * out}, so the in-place ReLU overwrites it, and every FD-CMKD term (and the authors' similarity notebook) runs on the
 * <b>post-ReLU</b> pooled output of the last block, non-negative with a large mean (method.md section 2.2). The names
 * suggest the authors meant the pre-activation sum. Both are offered:
 * <ul>
 *   <li>{@link #POST_RELU} (default): the released code, {@code f = mean_{h,w} ReLU(S_L)};
 *   <li>{@link #PRE_RELU}: the code's evident intent (its variable names), {@code f = mean_{h,w} S_L}.
 * </ul>
 * The classifier sees the post-ReLU feature either way. In networks without pooling after the last activation (the
 * segmentation encoder's map, the linear adapter of {@link TextCnn} and {@link FeatureMlp}) {@code POST_RELU} is
 * exactly {@code ReLU} of {@code PRE_RELU}; after pooling it is not, since the mean and the ReLU do not commute.
 */
public enum FeaturePoint {

    /** After the last ReLU: what the released code distils (default). */
    POST_RELU("post-relu"),
    /** Before the last ReLU: what the released code's variable names promise. */
    PRE_RELU("pre-relu");

    private final String label;

    FeaturePoint(String label) {
        this.label = label;
    }

    /** Returns the label, {@code post-relu} or {@code pre-relu}. */
    @Override
    public String toString() {
        return label;
    }
}
