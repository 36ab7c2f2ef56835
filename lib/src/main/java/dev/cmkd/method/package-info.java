/**
 * Distillation methods: each is a small DJL block that turns a student's and a teacher's
 * outputs into named loss terms.
 *
 * <p>A network's output is a {@link dev.cmkd.method.NetworkOutput} (logits, the distilled feature and, for ResNets,
 * every stage's map);
 * a method returns {@link dev.cmkd.method.LossTerms}, whose weighted sum is the training loss and
 * whose terms are logged one by one. {@link dev.cmkd.method.FrozenTeacher} runs a teacher without
 * gradients in inference mode. {@link dev.cmkd.method.FdCmkd} is the method of the paper under study; the
 * baselines are {@link dev.cmkd.method.NoDistillation}, {@link dev.cmkd.method.LogitKd}, {@link
 * dev.cmkd.method.FeatureMse}, {@link dev.cmkd.method.FitNet} (on layer2's map; {@link dev.cmkd.method.FeatureFitNet}
 * on the distilled feature), {@link dev.cmkd.method.Dkd}, {@link
 * dev.cmkd.method.Dist} and {@link dev.cmkd.method.C2kd} (whose teacher trains with the student).
 *
 * <p>A method reads pooled features or feature maps ({@link dev.cmkd.method.FeatureLayout}: classification or
 * segmentation); the methods defined for maps take the layout in their builder or constructor, and the logit
 * methods are applied per labelled pixel by {@link dev.cmkd.method.PerPixelMethod}. {@link
 * dev.cmkd.method.MethodRegistry} lists the methods of each layout by name.
 */
package dev.cmkd.method;
