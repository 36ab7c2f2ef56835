/**
 * Distillation methods: each is a small DJL block that turns a student's and a teacher's
 * outputs into named loss terms.
 *
 * <p>A network's output is a {@link dev.cmkd.method.NetworkOutput} (logits and the distilled feature);
 * a method returns {@link dev.cmkd.method.LossTerms}, whose weighted sum is the training loss and
 * whose terms are logged one by one. {@link dev.cmkd.method.FrozenTeacher} runs a teacher without
 * gradients in inference mode. {@link dev.cmkd.method.FdCmkd} is the method of the paper under study; the
 * baselines are {@link dev.cmkd.method.LogitKd}, {@link dev.cmkd.method.FeatureMse}, {@link
 * dev.cmkd.method.FitNet}, {@link dev.cmkd.method.Dkd}, {@link dev.cmkd.method.Dist} and {@link
 * dev.cmkd.method.C2kd} (whose teacher trains with the student), all listed in {@link
 * dev.cmkd.method.MethodRegistry}.
 */
package dev.cmkd.method;
