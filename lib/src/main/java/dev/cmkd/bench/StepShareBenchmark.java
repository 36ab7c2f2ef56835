package dev.cmkd.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.cmkd.loss.LossFunctions;
import dev.cmkd.method.DistillationObjective;
import dev.cmkd.method.FdCmkd;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.LossTerms;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.model.ResNet;
import dev.cmkd.train.SgdMomentum;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What FD-CMKD's terms cost inside one training step of a ResNet-18 student (width 64, 512-d feature)
 * with its frozen ResNet-18 teacher on another modality. Two kinds of step run on the same inputs,
 * alternately (so that drift in the machine's load hits both alike):
 *
 * <ul>
 *   <li>{@code plain}: teacher forward, student forward, cross-entropy, backward, SGD update;
 *   <li>{@code fd-cmkd}: the same with the whole FD-CMKD objective in place of the cross-entropy.
 * </ul>
 *
 * Two estimates of the terms' share are reported: {@code (fd-cmkd - plain) / fd-cmkd} from the medians
 * (noisy: a difference of two large numbers), and the objective alone ({@link FeatureTermsBenchmark} at
 * the same batch and dimension) over the median fd-cmkd step. Inputs are random: a step's cost does not
 * depend on the values.
 */
public final class StepShareBenchmark {

    /**
     * A student/teacher input pair.
     *
     * @param name what the pair stands for
     * @param studentInput student input {@code [C, H, W]}
     * @param teacherInput teacher input {@code [C, H, W]}
     * @param smallInput whether the networks use the small-input stem
     */
    record Setting(String name, long[] studentInput, long[] teacherInput, boolean smallInput) {}

    /** The paper's CREMA-D scale (visual 224 x 224 student, audio spectrogram teacher) and the embedded scale. */
    static final Setting[] SETTINGS = {
        new Setting("paper: visual 3x224x224 <- audio 1x257x188", new long[] {3, 224, 224},
                new long[] {1, 257, 188}, false),
        new Setting("embedded: image 1x28x28 <- audio 1x40x101", new long[] {1, 28, 28}, new long[] {1, 40, 101},
                true),
    };

    private static final int BATCH = 64;
    private static final int CLASSES = 10;

    private StepShareBenchmark() {}

    /** Runs every setting and returns one row per setting. */
    static Table run(int warmUp, int runs) {
        Table table = Table.create("FD-CMKD terms' share of a ResNet-18 training step (batch 64, CPU)",
                StringColumn.create("setting"), DoubleColumn.create("plain_step_ms"),
                DoubleColumn.create("fdcmkd_step_ms"), DoubleColumn.create("difference_share_percent"),
                DoubleColumn.create("objective_alone_ms"), DoubleColumn.create("objective_alone_share_percent"),
                IntColumn.create("runs"));
        for (Setting setting : SETTINGS) {
            double[][] times = time(setting, warmUp, runs);
            double plain = Timing.quantile(times[0], 0.5);
            double withTerms = Timing.quantile(times[1], 0.5);
            double alone = Timing.quantile(FeatureTermsBenchmark.time(BATCH, 512, FdCmkd.builder().setFeatureDim(512)
                    .setNumClasses(CLASSES).build().getImplementation(), 5, 20), 0.5);
            table.stringColumn("setting").append(setting.name());
            table.doubleColumn("plain_step_ms").append(plain);
            table.doubleColumn("fdcmkd_step_ms").append(withTerms);
            table.doubleColumn("difference_share_percent").append(100 * (withTerms - plain) / withTerms);
            table.doubleColumn("objective_alone_ms").append(alone);
            table.doubleColumn("objective_alone_share_percent").append(100 * alone / withTerms);
            table.intColumn("runs").append(runs);
        }
        return table;
    }

    /**
     * Milliseconds of one FD-CMKD step at the paper's scale ({@code SETTINGS[0]}): the median of {@code runs}
     * timed steps after {@code warmUp} (a plain step runs alternately with each, as in {@link #run}).
     */
    static double paperStepMillis(int warmUp, int runs) {
        return Timing.quantile(time(SETTINGS[0], warmUp, runs)[1], 0.5);
    }

    private static ResNet resNet(long channels, boolean smallInput) {
        return ResNet.builder().setNumClasses(CLASSES).optInputChannels((int) channels).optSmallInput(smallInput)
                .build();
    }

    /** Milliseconds per step: {@code [0]} plain, {@code [1]} with FD-CMKD, run alternately. */
    static double[][] time(Setting setting, int warmUp, int runs) {
        Engine.getInstance().setRandomSeed(0);
        Shape studentShape = new Shape(BATCH).addAll(new Shape(setting.studentInput()));
        Shape teacherShape = new Shape(BATCH).addAll(new Shape(setting.teacherInput()));
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            ResNet teacherNet = resNet(setting.teacherInput()[0], setting.smallInput());
            teacherNet.initialize(manager, DataType.FLOAT32, teacherShape);
            FrozenTeacher teacher = new FrozenTeacher(teacherNet);
            ResNet plain = resNet(setting.studentInput()[0], setting.smallInput());
            plain.initialize(manager, DataType.FLOAT32, studentShape);
            ResNet student = resNet(setting.studentInput()[0], setting.smallInput());
            DistillationObjective distilled = new DistillationObjective(student, FdCmkd.builder()
                    .setFeatureDim(student.getFeatureDim()).setNumClasses(CLASSES).build());
            distilled.initialize(manager, DataType.FLOAT32, studentShape);
            SgdMomentum plainOptimizer = new SgdMomentum(plain.getParameters(), 0.9);
            SgdMomentum distilledOptimizer = new SgdMomentum(distilled.getParameters(), 0.9);
            NDArray studentInput = manager.randomNormal(studentShape);
            NDArray teacherInput = manager.randomNormal(teacherShape);
            NDArray labels = manager.randomInteger(0, CLASSES, new Shape(BATCH), DataType.INT64);
            double[][] times = new double[2][runs];
            for (int i = -warmUp; i < runs; i++) {
                for (int k = 0; k < 2; k++) {
                    int kind = Math.floorMod(i + k, 2);
                    double[] one = Timing.millis(0, 1, () -> {
                        try (NDManager step = manager.newSubManager()) {
                            // Inputs live in the step's manager, so every intermediate is freed with it.
                            NDArray x = studentInput.duplicate();
                            x.attach(step);
                            NDArray teacherX = teacherInput.duplicate();
                            teacherX.attach(step);
                            NetworkOutput t = teacher.forward(teacherX);
                            if (kind == 1) {
                                distilledOptimizer.minimize(0.01, () -> distilled.evaluate(store, x, t, labels, true));
                            } else {
                                plainOptimizer.minimize(0.01, () -> new LossTerms().add("task", 1,
                                        LossFunctions.crossEntropy(NetworkOutput.of(plain.forward(store,
                                                new NDList(x), true)).logits(), labels)));
                            }
                        }
                    });
                    if (i >= 0) {
                        times[kind][i] = one[0];
                    }
                }
            }
            return times;
        }
    }
}
