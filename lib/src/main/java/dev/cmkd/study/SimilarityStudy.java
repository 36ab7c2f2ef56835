package dev.cmkd.study;

import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.TeacherOutputs;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.cli.Settings;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cmkd.analysis.BandSimilarity;
import dev.cmkd.data.BatchSource;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.train.RunSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import tech.tablesaw.api.Table;

/**
 * The observation FD-CMKD rests on, measured on our data: how similar the image teacher's and the audio
 * teacher's pooled features of the same test pair are, per frequency band (mean cosine and linear CKA), and
 * as a curve over frequency bins. Two controls tell whether a "low-frequency agreement" is more than a
 * shared mean: the same teachers with the audio teacher's channels randomly permuted (the DC bin, the mean,
 * is unchanged; any real structure along the channels is destroyed), and the two networks untrained, as the
 * teachers started (initialised as the experiment's {@link dev.cmkd.experiment.Initialisation} says).
 */
public final class SimilarityStudy {

    /**
     * The study's tables and figure.
     *
     * @param cosine mean cosine per band, a column per condition
     * @param cka linear CKA per band, a column per condition
     * @param curve the per-frequency cosine curve of each condition, by condition
     * @param figure the PNG of the curves
     */
    public record Result(Table cosine, Table cka, Map<String, double[]> curve, Path figure) {}

    private SimilarityStudy() {}

    /**
     * Runs the study on the test split with the seed-{@code seed} teachers of {@code settings} (trained first
     * if missing) and writes {@code similarity-curve.png}, {@code cosine.csv} and {@code cka.csv} to
     * {@code outputDir}.
     */
    public static Result run(Settings settings, long seed, double cutoffRatio, Path outputDir) {
        Experiment experiment = Runner.experiment(AvMnistTtsTask.TYPE, settings);
        RunSpec spec = RunSpec.paper(settings.get(TaskRegistry.TEACHER_EPOCHS), settings.get(TaskRegistry.BATCH_SIZE),
                seed);
        BatchSource test = experiment.task().splits(seed).test();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray[]> conditions = new LinkedHashMap<>();
            NDArray[] trained = new NDArray[2];
            NDArray[] untrained = new NDArray[2];
            for (int m = 0; m < 2; m++) {
                String modality = experiment.task().modalities().get(m);
                experiment.teacher(modality, spec);
                trained[m] = features(experiment.frozenTeacher(modality, spec, manager), test, m, manager);
                untrained[m] = features(experiment.untrained(modality, seed, manager), test, m, manager);
            }
            conditions.put("trained teachers", trained);
            conditions.put("channels of one permuted", new NDArray[] {trained[0], permuteChannels(trained[1], seed)});
            conditions.put("untrained networks", untrained);
            Map<String, Map<String, Double>> cosine = new LinkedHashMap<>();
            Map<String, Map<String, Double>> cka = new LinkedHashMap<>();
            Map<String, double[]> curve = new LinkedHashMap<>();
            conditions.forEach((name, pair) -> {
                cosine.put(name, BandSimilarity.perBand(pair[0], pair[1], cutoffRatio));
                cka.put(name, BandSimilarity.ckaPerBand(pair[0], pair[1], cutoffRatio));
                curve.put(name, BandSimilarity.perFrequency(pair[0], pair[1]));
            });
            Path figure = ResultFiles.writePng(chart(curve), outputDir.resolve("similarity-curve.png"));
            Table cosineTable = BandSimilarity.table("Mean cosine between the two modalities' features, per band",
                    cosine);
            Table ckaTable = BandSimilarity.table("Linear CKA between the two modalities' features, per band", cka);
            ResultFiles.writeCsv(cosineTable, outputDir.resolve("cosine.csv"));
            ResultFiles.writeCsv(ckaTable, outputDir.resolve("cka.csv"));
            return new Result(cosineTable, ckaTable, curve, figure);
        }
    }

    private static NDArray features(FrozenTeacher network, BatchSource split, int m, NDManager manager) {
        TeacherOutputs outputs = TeacherOutputs.compute(network, split, m, manager);
        return outputs.rows(manager, IntStream.range(0, split.size()).toArray()).feature();
    }

    /** Returns {@code x} with its columns (channels) in a random order fixed by {@code seed}. */
    private static NDArray permuteChannels(NDArray x, long seed) {
        int dim = Math.toIntExact(x.getShape().get(1));
        int[] order = IntStream.range(0, dim).toArray();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = dim - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int rows = Math.toIntExact(x.getShape().get(0));
        float[] values = x.toFloatArray();
        float[] permuted = new float[values.length];
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < dim; c++) {
                permuted[i * dim + c] = values[i * dim + order[c]];
            }
        }
        return x.getManager().create(permuted, x.getShape());
    }

    private static XYChart chart(Map<String, double[]> curves) {
        XYChart chart = new XYChartBuilder().width(ResultFiles.FIGURE_WIDTH).height(ResultFiles.FIGURE_HEIGHT)
                .title("Cross-modal cosine per frequency bin (test pairs)").xAxisTitle("frequency bin k")
                .yAxisTitle("mean cosine of the two Fourier coefficients").build();
        chart.getStyler().setMarkerSize(0).setLegendPosition(Styler.LegendPosition.InsideNE);
        curves.forEach((name, values) -> chart.addSeries(name,
                IntStream.range(0, values.length).asDoubleStream().toArray(), values));
        return chart;
    }
}
