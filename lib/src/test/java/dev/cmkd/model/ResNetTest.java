package dev.cmkd.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.cmkd.method.NetworkOutput;
import dev.cmkd.testing.Gradients;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResNetTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(5);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** A tiny audio-like network: 1 channel, width 8, two stages of one block, small-input stem (D = 16). */
    private static ResNet tiny(int numClasses) {
        return ResNet.builder().setNumClasses(numClasses).optInputChannels(1).optWidth(8)
                .optBlocksPerStage(1, 1).optSmallInput(true).build();
    }

    private NDArray randn(long... shape) {
        return manager.randomNormal(0, 1, new Shape(shape), DataType.FLOAT32);
    }

    private static NDList forward(ResNet net, NDArray x, boolean training) {
        return net.forward(new ParameterStore(x.getManager(), false), new NDList(x), training);
    }

    /** The array of a top-level parameter, e.g. {@code "fc_weight"} for the key {@code "NNfc_weight"}. */
    private static NDArray parameter(ResNet net, String name) {
        List<NDArray> found = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getKey().matches("\\d\\d" + name)) {
                found.add(p.getValue().getArray());
            }
        }
        assertEquals(1, found.size(), "parameters named " + name);
        return found.get(0);
    }

    private static boolean isRunningStatistic(Parameter p) {
        return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
    }

    @Test
    void resNet18GivesLogitsAnd512dFeatureOn3x64x64() {
        ResNet net = ResNet.builder().setNumClasses(10).build();
        assertEquals(512, net.getFeatureDim());
        assertEquals(3, net.getInputChannels());
        Shape input = new Shape(2, 3, 64, 64);
        net.initialize(manager, DataType.FLOAT32, input);
        // logits, feature, then the post-ReLU map of each stage (ImageNet stem: 64 -> 16, then / 2 per stage)
        Shape[] expected = {new Shape(2, 10), new Shape(2, 512), new Shape(2, 64, 16, 16), new Shape(2, 128, 8, 8),
            new Shape(2, 256, 4, 4), new Shape(2, 512, 2, 2)};
        assertArrayEquals(expected, net.getOutputShapes(new Shape[] {input}));
        NDList out = forward(net, randn(2, 3, 64, 64), false);
        assertEquals(expected.length, out.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.get(i).getShape());
        }
        NetworkOutput read = NetworkOutput.of(out);
        assertSame(out.get(1), read.feature());
        assertEquals(4, read.stages().size());
        assertSame(out.get(3), read.stage("test", 2));
        // the post-ReLU feature is the last stage's map, pooled
        assertTrue(out.get(5).mean(new int[] {3}).mean(new int[] {2}).sub(read.feature()).abs().max().getFloat() < 1e-6f);
        assertTrue(out.get(3).min().getFloat() >= 0, "stage maps are post-ReLU");
    }

    @Test
    void tinySmallInputNetworkOn1x28x28() {
        ResNet net = tiny(6);
        assertEquals(16, net.getFeatureDim());
        Shape input = new Shape(3, 1, 28, 28);
        net.initialize(manager, DataType.FLOAT32, input);
        NDList out = forward(net, randn(3, 1, 28, 28), true);
        assertEquals(new Shape(3, 6), out.get(0).getShape());
        assertEquals(new Shape(3, 16), out.get(1).getShape());
        assertArrayEquals(out.getShapes(), net.getOutputShapes(new Shape[] {input}));
        assertEquals(2 + 2, out.size(), "logits, feature and the maps of its two stages");
    }

    @Test
    void initializesInsideAParentBlockOnOddInputSizes() {
        ResNet net = ResNet.builder().setNumClasses(4).optWidth(4).optBlocksPerStage(1, 2, 1).build();
        assertEquals(16, net.getFeatureDim());
        SequentialBlock parent = new SequentialBlock().add(net);
        Shape input = new Shape(2, 3, 37, 53);
        parent.initialize(manager, DataType.FLOAT32, input);
        NDList out = parent.forward(new ParameterStore(manager, false), new NDList(randn(2, 3, 37, 53)), false);
        assertArrayEquals(parent.getOutputShapes(new Shape[] {input}), out.getShapes());
        Exception wrongChannels = assertThrows(IllegalArgumentException.class,
                () -> net.getOutputShapes(new Shape[] {new Shape(2, 1, 37, 53)}));
        assertTrue(wrongChannels.getMessage().contains("[batch, 3, height, width]"), wrongChannels.getMessage());
    }

    /**
     * With a 1x1 map after the last stage, pooling is the identity, so the head must see exactly
     * {@code ReLU(feature)}: logits = W relu(f) + b, while the feature itself has negative entries.
     */
    @Test
    void preReluFeatureIsThePooledResidualSumBeforeTheFinalRelu() {
        ResNet net = ResNet.builder().setNumClasses(5).optInputChannels(1).optWidth(4)
                .optBlocksPerStage(1, 1, 1).optSmallInput(true).optFeaturePoint(FeaturePoint.PRE_RELU).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(8, 1, 4, 4));
        for (boolean training : new boolean[] {false, true}) {
            NDList out = forward(net, randn(8, 1, 4, 4), training);
            NDArray logits = out.get(0);
            NDArray feature = out.get(1);
            assertTrue(feature.min().getFloat() < 0, "the pre-activation feature has negative entries");
            NDArray weight = parameter(net, "fc_weight");
            NDArray bias = parameter(net, "fc_bias");
            NDArray headOnRelu = feature.maximum(0).matMul(weight.transpose()).add(bias);
            NDArray headOnRaw = feature.matMul(weight.transpose()).add(bias);
            double[] z = logits.toType(DataType.FLOAT64, false).toDoubleArray();
            assertTrue(Gradients.maxAbsDiff(z, Gradients.doubles(headOnRelu)) < 1e-5, "head uses ReLU(feature)");
            assertTrue(Gradients.maxAbsDiff(z, Gradients.doubles(headOnRaw)) > 1e-3, "head does not use feature");
        }
    }

    @Test
    void preReluFeatureOfResNet18HasNegativeEntries() {
        ResNet net = ResNet.builder().setNumClasses(3).optInputChannels(1).optFeaturePoint(FeaturePoint.PRE_RELU)
                .build();
        net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 64, 64));
        NDArray feature = forward(net, randn(2, 1, 64, 64), true).get(1);
        assertTrue(feature.min().getFloat() < 0);
        assertTrue(feature.max().getFloat() > 0);
    }

    /** torchvision's resnet18() has 11,689,512 parameters; DJL also lists BatchNorm's running statistics. */
    @Test
    void resNet18HasTorchvisionsParameterCountAndTheReleasedInitialization() {
        ResNet net = ResNet.builder().setNumClasses(1000).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        long trainable = 0;
        long running = 0;
        List<String> biases = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            long size = p.getValue().getArray().size();
            if (isRunningStatistic(p.getValue())) {
                running += size;
            } else {
                trainable += size;
                assertTrue(p.getValue().requiresGradient(), p.getKey());
            }
            if (p.getValue().getType() == Parameter.Type.BIAS) {
                biases.add(p.getKey());
            }
        }
        assertEquals(11_689_512L, trainable);
        assertEquals(1, biases.size(), "only the classifier has a bias: " + biases);
        assertEquals(2L * (64 + 4 * 64 + 4 * 128 + 4 * 256 + 4 * 512 + 128 + 256 + 512), running);

        // Kaiming-normal fan-out on conv1 [64, 3, 7, 7]: std sqrt(2 / (64 * 49)); Xavier-normal on fc [1000, 512].
        assertStd(Math.sqrt(2.0 / (64 * 49)), parameter(net, "conv1_weight"));
        assertStd(Math.sqrt(2.0 / (512 + 1000)), parameter(net, "fc_weight"));
        assertEquals(0, parameter(net, "fc_bias").abs().max().getFloat());
        for (Pair<String, Parameter> p : net.getParameters()) {
            Parameter.Type type = p.getValue().getType();
            float expected = type == Parameter.Type.GAMMA || type == Parameter.Type.RUNNING_VAR ? 1 : 0;
            if (type != Parameter.Type.WEIGHT && type != Parameter.Type.BIAS) {
                NDArray a = p.getValue().getArray();
                assertEquals(expected, a.min().getFloat(), p.getKey());
                assertEquals(expected, a.max().getFloat(), p.getKey());
            }
        }
    }

    private static void assertStd(double expected, NDArray weight) {
        double mean = weight.mean().getFloat();
        double std = Math.sqrt(weight.sub(mean).square().mean().getFloat());
        assertEquals(0, mean, 0.05 * expected);
        assertEquals(expected, std, 0.03 * expected);
    }

    @Test
    void trainingModeUsesBatchStatisticsAndUpdatesRunningStatistics() {
        ResNet net = tiny(4);
        net.initialize(manager, DataType.FLOAT32, new Shape(6, 1, 28, 28));
        NDArray x = randn(6, 1, 28, 28).mul(3).add(2);
        NDArray runningMean = parameter(net, "bn1_runningMean");
        NDArray before = runningMean.duplicate();

        NDArray inference1 = forward(net, x, false).get(0);
        NDArray inference2 = forward(net, x, false).get(0);
        assertEquals(0, Gradients.maxAbsDiff(Gradients.doubles(inference1), Gradients.doubles(inference2)));
        assertEquals(0, Gradients.maxAbsDiff(Gradients.doubles(before), Gradients.doubles(runningMean)),
                "inference leaves running statistics alone");

        NDArray training = forward(net, x, true).get(0);
        assertTrue(Gradients.maxAbsDiff(Gradients.doubles(inference1), Gradients.doubles(training)) > 1e-3);
        assertTrue(Gradients.maxAbsDiff(Gradients.doubles(before), Gradients.doubles(runningMean)) > 1e-4,
                "a training forward updates the running mean");
        NDArray inference3 = forward(net, x, false).get(0);
        assertTrue(Gradients.maxAbsDiff(Gradients.doubles(inference1), Gradients.doubles(inference3)) > 1e-5,
                "inference now uses the updated running statistics");
    }

    @Test
    void outputsLiveOnTheInputsManagerAndDevice() {
        ResNet net = tiny(3);
        net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 28, 28));
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.randomNormal(new Shape(2, 1, 28, 28));
            NDList out = forward(net, x, true);
            for (NDArray a : out) {
                assertSame(step, a.getManager());
                assertEquals(x.getDevice(), a.getDevice());
            }
        }
    }

    @Test
    void oneSgdStepWithATrainerChangesEveryTrainableParameter() {
        ResNet net = tiny(5);
        try (Model model = Model.newInstance("tiny-resnet")) {
            model.setBlock(net);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optMomentum(0.9f)
                            .build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(4, 1, 28, 28));
                Map<String, double[]> before = new LinkedHashMap<>();
                for (Pair<String, Parameter> p : net.getParameters()) {
                    if (!isRunningStatistic(p.getValue())) {
                        before.put(p.getKey(), Gradients.doubles(p.getValue().getArray()));
                    }
                }
                NDManager data = trainer.getManager();
                NDArray x = data.randomNormal(new Shape(4, 1, 28, 28));
                NDArray labels = data.create(new float[] {0, 1, 2, 3});
                float loss;
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList out = trainer.forward(new NDList(x));
                    NDArray value = trainer.getLoss().evaluate(new NDList(labels), new NDList(out.get(0)));
                    loss = value.getFloat();
                    collector.backward(value);
                }
                trainer.step();
                assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
                assertFalse(before.isEmpty());
                for (Pair<String, Parameter> p : net.getParameters()) {
                    double[] old = before.get(p.getKey());
                    if (old != null) {
                        double change = Gradients.maxAbsDiff(old, Gradients.doubles(p.getValue().getArray()));
                        assertTrue(change > 0, p.getKey() + " did not change");
                    }
                }
            }
        }
    }

    @Test
    void builderErrorsNameTheParameterAndTheValue() {
        assertBuildError("setNumClasses(0)", ResNet.builder());
        assertBuildError("optInputChannels(0)", ResNet.builder().setNumClasses(2).optInputChannels(0));
        assertBuildError("optWidth(0)", ResNet.builder().setNumClasses(2).optWidth(0));
        assertBuildError("optBlocksPerStage([])", ResNet.builder().setNumClasses(2).optBlocksPerStage());
        assertBuildError("optBlocksPerStage(null)", ResNet.builder().setNumClasses(2).optBlocksPerStage(null));
        assertBuildError("optBlocksPerStage([2, 0])", ResNet.builder().setNumClasses(2).optBlocksPerStage(2, 0));
        assertBuildError("optWidth(1073741824)",
                ResNet.builder().setNumClasses(2).optWidth(1 << 30).optBlocksPerStage(1, 1, 1));
    }

    private static void assertBuildError(String expected, ResNet.Builder builder) {
        Exception e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
