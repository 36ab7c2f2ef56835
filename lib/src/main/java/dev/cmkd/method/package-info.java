/**
 * Distillation methods: each is a small DJL block that turns a student's and a frozen teacher's
 * outputs into named loss terms.
 *
 * <p>A network's output is a {@link dev.cmkd.method.NetworkOutput} (logits and the distilled feature);
 * a method returns {@link dev.cmkd.method.LossTerms}, whose weighted sum is the training loss and
 * whose terms are logged one by one. {@link dev.cmkd.method.FrozenTeacher} runs a teacher without
 * gradients in inference mode. {@link dev.cmkd.method.FdCmkd} is the method of the paper under study.
 */
package dev.cmkd.method;
