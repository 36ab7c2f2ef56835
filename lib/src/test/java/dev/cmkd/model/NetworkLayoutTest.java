package dev.cmkd.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * The parameter layout of every network kind is frozen, so that {@code saveParameters} files of finished runs load
 * unchanged and a seed gives the same initial network: for each kind, built and initialised after
 * {@code Engine.setRandomSeed(11)}, the golden file {@code golden/network-layouts.txt} records every parameter's
 * name (with DJL's child-index prefixes, hence the child order), type and shape, the SHA-256 of its values, the
 * SHA-256 of the whole {@code saveParameters} output, and the sum of each output of an inference forward pass on a
 * fixed input (compared to 1e-5 relative, as a different CPU may round a convolution differently).
 *
 * <p>The golden file was written by this test (it writes what it sees to {@code target/network-layouts.txt}) at
 * the commit before issue 11's clean-up of the networks (DJL 0.29, PyTorch 2.3.1 CPU, JDK 17); it also writes the
 * SHA-256 of every output's bytes to {@code target/network-outputs.txt}, for a bit-exact comparison of two commits on
 * one machine. The networks take the pre-ReLU feature, the only one before issue 14 (the feature point adds no
 * parameter; the post-ReLU default is checked against PyTorch by {@code ResNetGoldenTest}).
 */
class NetworkLayoutTest {

    private static final FeaturePoint PRE = FeaturePoint.PRE_RELU;

    private static final String GOLDEN = "golden/network-layouts.txt";

    /** The SHA-256 of every output's bytes, written to {@code target/network-outputs.txt} for a bit-exact diff. */
    private final List<String> exactOutputs = new ArrayList<>();

    @Test
    void everyNetworkKeepsItsParameterLayoutInitialValuesAndOutputs() throws IOException {
        List<String> actual = new ArrayList<>();
        fingerprint(actual, "resnet18", () -> ResNet.builder().setNumClasses(6).optFeaturePoint(PRE).build(),
                x(2, 3, 64, 64));
        fingerprint(actual, "resnet-small", () -> ResNet.builder().setNumClasses(4).optFeaturePoint(PRE)
                .optInputChannels(1).optWidth(8)
                .optBlocksPerStage(1, 2).optSmallInput(true).build(), x(2, 1, 28, 28));
        fingerprint(actual, "segmentation", () -> SegmentationNet.builder().setNumClasses(5).optFeaturePoint(PRE)
                .optWidth(8)
                .optBlocksPerStage(1, 2, 1).build(), x(2, 3, 64, 64));
        fingerprint(actual, "segmentation-small", () -> SegmentationNet.builder().setNumClasses(3)
                .optFeaturePoint(PRE).optInputChannels(1)
                .optWidth(4).optBlocksPerStage(2, 1).optSmallInput(true).build(), x(2, 1, 8, 12));
        fingerprint(actual, "textcnn", () -> TextCnn.builder().setVocabularySize(50).setNumClasses(3)
                .optFeaturePoint(PRE).optEmbeddingDim(16).optKernelSizes(2, 3).optFilters(4).optFeatureDim(8).build(), ids(2, 7));
        fingerprint(actual, "featuremlp", () -> new FeatureMlp(3, 16, 8, PRE), x(2, 10));
        Path written = Path.of("target", "network-layouts.txt");
        Files.createDirectories(written.getParent());
        Files.write(written, actual, StandardCharsets.UTF_8);
        Files.write(Path.of("target", "network-outputs.txt"), exactOutputs, StandardCharsets.UTF_8);

        List<String> expected;
        try (InputStream in = NetworkLayoutTest.class.getClassLoader().getResourceAsStream(GOLDEN)) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertEquals(expected.size(), actual.size(), "lines of " + GOLDEN + " (see " + written + ")");
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i);
            String a = actual.get(i);
            if (e.contains(" output ")) {
                String[] es = e.split(" ");
                String[] as = a.split(" ");
                assertEquals(String.join(" ", List.of(es).subList(0, es.length - 1)),
                        String.join(" ", List.of(as).subList(0, as.length - 1)), "line " + (i + 1));
                double ev = Double.parseDouble(es[es.length - 1]);
                double av = Double.parseDouble(as[as.length - 1]);
                assertEquals(ev, av, 1e-5 * Math.max(1, Math.abs(ev)), "line " + (i + 1) + ": " + e);
            } else {
                assertEquals(e, a, "line " + (i + 1));
            }
        }
    }

    /** An input of the given shape with fixed values {@code sin(0), sin(1), ...}. */
    private static Input x(long... shape) {
        return manager -> manager.arange((float) new Shape(shape).size()).sin().reshape(shape);
    }

    /** Token ids {@code (7 i + 3) mod 50} of the given shape. */
    private static Input ids(long... shape) {
        return manager -> manager.arange((float) new Shape(shape).size()).mul(7).add(3).toType(DataType.INT32, false)
                .mod(50).reshape(shape);
    }

    private interface Input {
        NDArray of(NDManager manager);
    }

    private void fingerprint(List<String> lines, String kind, Supplier<Block> network, Input input)
            throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            Block net = network.get();
            NDArray x = input.of(manager);
            net.initialize(manager, DataType.FLOAT32, x.getShape());
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray value = p.getValue().getArray();
                lines.add(String.format(Locale.ROOT, "%s param %s %s %s %s", kind, p.getKey(), p.getValue().getType(),
                        value.getShape(), sha256(value.toByteArray())));
            }
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            net.saveParameters(new DataOutputStream(saved));
            lines.add(kind + " saveParameters " + sha256(saved.toByteArray()));
            NDList out = net.forward(new ParameterStore(manager, false), new NDList(x), false);
            for (int i = 0; i < out.size(); i++) {
                lines.add(String.format(Locale.ROOT, "%s output %d %s %.9e", kind, i, out.get(i).getShape(),
                        out.get(i).toType(DataType.FLOAT64, false).sum().getDouble()));
                exactOutputs.add(kind + " output " + i + " " + sha256(out.get(i).toByteArray()));
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
