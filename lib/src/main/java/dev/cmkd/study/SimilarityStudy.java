package dev.cmkd.study;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.cmkd.analysis.BandSimilarity;
import dev.cmkd.analysis.MeanOnlyNull;
import dev.cmkd.cli.Settings;
import dev.cmkd.data.BatchSource;
import dev.cmkd.experiment.Experiment;
import dev.cmkd.experiment.Initialisation;
import dev.cmkd.experiment.Runner;
import dev.cmkd.experiment.TaskType;
import dev.cmkd.experiment.TeacherOutputs;
import dev.cmkd.experiment.Workers;
import dev.cmkd.method.FrozenTeacher;
import dev.cmkd.method.MethodRegistry;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NoDistillation;
import dev.cmkd.model.FeaturePoint;
import dev.cmkd.results.ResultFiles;
import dev.cmkd.tasks.AvMnistTtsTask;
import dev.cmkd.tasks.TaskRegistry;
import dev.cmkd.train.RunSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import tech.tablesaw.api.Table;

/**
 * The observation FD-CMKD rests on (J. Liu, Y. Zhang, T. Huang, W. Xu, R. Yang, "Distilling Cross-Modal Knowledge via
 * Feature Disentanglement", AAAI 2026, arXiv 2511.19887): the low-frequency components of two modalities' pooled
 * features agree, the high-frequency ones do not (the authors' CREMA-D teachers: cosine 0.9113 low with DC, −0.0234
 * high, 0.8379 raw). Measured here as an experiment, on the test pairs, for every seed of the settings:
 *
 * <ul>
 *   <li><b>similarity</b>: the mean cosine {@code cos(a_i, b_i)} over the samples and the linear CKA over the samples
 *       ({@link BandSimilarity}), per band (raw, raw without DC, low without DC, low with DC, high; the cutoff ratio of
 *       the split, 0.5 by default as the released code) and the cosine per frequency bin;
 *   <li><b>feature point</b>: the post-ReLU pooled feature (the released code) and the pre-ReLU one (its names'
 *       intent), both read from the same trained networks: their parameters do not depend on it;
 *   <li><b>pairs</b>: the teacher of one modality against the teacher of the other, initialised independently (the
 *       kit's default; this pair is also the teacher against the student without distillation, {@code none}, which
 *       is that teacher's run) and identically ({@code initialisation=shared}, trained in
 *       {@code <output>/similarity/shared-initialisation}); the teacher against the other modality's student it
 *       taught with each method of {@link Builder#optMethods} (KD, feature MSE and FD-CMKD by default); and the
 *       controls: the teachers, and the teacher with the last method's student, with the student side's channels
 *       permuted (a fixed permutation per seed), and both networks untrained, initialised independently and
 *       identically;
 *   <li><b>the mean-only null</b> beside every value ({@link MeanOnlyNull}): what two feature sets with the same
 *       per-sample means and spreads and independent fluctuations give, computed from the features themselves
 *       (analytically for the cosine, by per-sample channel shuffles for CKA), and the agreement beyond it.
 * </ul>
 *
 * The runs are the benchmark's ({@link Runner}): trained if missing, read back otherwise. {@link SimilarityFindings}
 * turns the measurements into the tables, intervals over seeds and conclusions.
 */
public final class SimilarityStudy {

    /** The pair of the two teachers, initialised independently; also the teacher against the {@code none} student. */
    public static final String TEACHERS = "teachers";
    /** The pair of the two teachers, initialised identically. */
    public static final String TEACHERS_SHARED = "teachers, shared init";
    /** The prefix of a teacher-student pair's kind, followed by the method's name. */
    public static final String STUDENT = "student ";
    /**
     * The prefix of a permutation control's kind, followed by the kind of the pair it permutes: the two teachers, and
     * the teacher with the student of the last method, the audio side's channels permuted.
     */
    public static final String PERMUTED = "control: permuted ";
    /** The control: the two networks untrained, initialised independently. */
    public static final String UNTRAINED = "control: untrained";
    /** The control: the two networks untrained, initialised identically. */
    public static final String UNTRAINED_SHARED = "control: untrained, shared init";

    /**
     * The study's outcome.
     *
     * @param findings the tables, intervals and conclusions
     * @param files the files written ({@link SimilarityFindings#write})
     */
    public record Result(SimilarityFindings findings, List<Path> files) {}

    private static final String[] BANDS = {BandSimilarity.RAW, BandSimilarity.RAW_WITHOUT_DC,
        BandSimilarity.LOW_WITHOUT_DC, BandSimilarity.LOW_WITH_DC, BandSimilarity.HIGH};

    private final Settings settings;
    private final TaskType type;
    private final double cutoffRatio;
    private final List<String> methods;
    private final String teacherModality;
    private final int nullDraws;

    private SimilarityStudy(Builder builder) {
        this.settings = builder.settings;
        this.type = builder.type;
        this.cutoffRatio = builder.cutoffRatio;
        this.methods = List.copyOf(builder.methods);
        this.teacherModality = builder.teacherModality == null ? type.modalities().get(0) : builder.teacherModality;
        this.nullDraws = builder.nullDraws;
    }

    /** Returns a builder; {@link Builder#setSettings} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains the runs it needs or reads them back, measures every pair under both feature points for every seed,
     * and writes the findings to {@code outputDir} ({@link SimilarityFindings#write}).
     */
    public Result run(Path outputDir) {
        Settings independent = with(Map.of("initialisation", "independent", "methods",
                String.join(",", studyMethods())));
        Path sharedOutput = Runner.output(type, settings).resolve("similarity").resolve("shared-initialisation");
        Settings shared = with(Map.of("initialisation", "shared", "methods", NoDistillation.NAME, "output",
                sharedOutput.toString()));
        Runner.run(Workers.RUN, type, independent, MethodRegistry.specs(studyMethods(), type.layout()));
        Runner.run(Workers.RUN, type, shared, MethodRegistry.specs(List.of(NoDistillation.NAME), type.layout()));
        Table measurements = SimilarityFindings.emptyMeasurements();
        Table curves = SimilarityFindings.emptyCurves();
        for (FeaturePoint point : FeaturePoint.values()) {
            Experiment own = Runner.experiment(type, with(independent, "featurePoint", point.toString()));
            Experiment same = Runner.experiment(type, with(shared, "featurePoint", point.toString()));
            for (long seed : settings.get(TaskRegistry.SEEDS)) {
                measure(own, same, point, seed, measurements, curves);
            }
        }
        SimilarityFindings findings = SimilarityFindings.of(measurements, curves);
        return new Result(findings, findings.write(outputDir));
    }

    /** Measures every pair of one seed under one feature point into the two tables. */
    private void measure(Experiment own, Experiment same, FeaturePoint point, long seed, Table measurements,
            Table curves) {
        String studentModality = otherModality(teacherModality);
        RunSpec teacherSpec = RunSpec.paper(settings.get(TaskRegistry.TEACHER_EPOCHS),
                settings.get(TaskRegistry.BATCH_SIZE), seed);
        RunSpec studentSpec = RunSpec.paper(settings.get(TaskRegistry.STUDENT_EPOCHS),
                settings.get(TaskRegistry.BATCH_SIZE), seed);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray teacher = features(own, teacherModality, own.frozenTeacher(teacherModality, teacherSpec, manager),
                    seed, manager);
            NDArray other = features(own, studentModality, own.frozenTeacher(studentModality, teacherSpec, manager),
                    seed, manager);
            Map<String, NDArray[]> pairs = new LinkedHashMap<>();
            pairs.put(TEACHERS, new NDArray[] {teacher, other});
            pairs.put(TEACHERS_SHARED, new NDArray[] {
                features(same, teacherModality, same.frozenTeacher(teacherModality, teacherSpec, manager), seed,
                        manager),
                features(same, studentModality, same.frozenTeacher(studentModality, teacherSpec, manager), seed,
                        manager)});
            for (String method : methods) {
                MethodSpec spec = MethodRegistry.spec(method, type.layout());
                pairs.put(STUDENT + method, new NDArray[] {teacher, features(own, studentModality,
                        own.frozenStudent(studentModality, spec, studentSpec, manager), seed, manager)});
            }
            pairs.put(PERMUTED + TEACHERS, new NDArray[] {teacher, permuteChannels(other, seed)});
            if (!methods.isEmpty()) {
                String last = STUDENT + methods.get(methods.size() - 1);
                pairs.put(PERMUTED + last, new NDArray[] {teacher, permuteChannels(pairs.get(last)[1], seed)});
            }
            pairs.put(UNTRAINED, new NDArray[] {
                features(own, teacherModality, own.untrained(teacherModality, seed, manager), seed, manager),
                features(own, studentModality, own.untrained(studentModality, seed, manager), seed, manager)});
            pairs.put(UNTRAINED_SHARED, new NDArray[] {
                features(same, teacherModality, same.untrained(teacherModality, seed, manager), seed, manager),
                features(same, studentModality, same.untrained(studentModality, seed, manager), seed, manager)});
            pairs.forEach((kind, pair) -> {
                String label = label(kind, studentModality);
                Map<String, Double> cosine = BandSimilarity.perBand(pair[0], pair[1], cutoffRatio);
                Map<String, Double> cosineNull = MeanOnlyNull.cosinePerBand(pair[0], pair[1], cutoffRatio);
                Map<String, Double> cka = BandSimilarity.ckaPerBand(pair[0], pair[1], cutoffRatio);
                Map<String, Double> ckaNull = MeanOnlyNull.ckaPerBand(pair[0], pair[1], cutoffRatio, nullDraws,
                        seed * 1000);
                for (String band : BANDS) {
                    SimilarityFindings.addMeasurement(measurements, kind, label, point.toString(), band, seed,
                            cosine.get(band), cosineNull.get(band), cka.get(band), ckaNull.get(band));
                }
                double[] curve = BandSimilarity.perFrequency(pair[0], pair[1]);
                double[] curveNull = MeanOnlyNull.perFrequency(pair[0], pair[1]);
                for (int bin = 0; bin < curve.length; bin++) {
                    SimilarityFindings.addCurvePoint(curves, kind, label, point.toString(), seed, bin, curve[bin],
                            curveNull[bin]);
                }
            });
        }
    }

    /** The pair's label in the tables: its kind with the modalities and methods spelled out. */
    private String label(String kind, String studentModality) {
        String teachers = teacherModality + " teacher vs " + studentModality + " teacher";
        String untrained = "untrained " + teacherModality + " vs " + studentModality + " network";
        return switch (kind) {
            case TEACHERS -> teachers + " (= " + studentModality + " student none)";
            case TEACHERS_SHARED -> teachers + ", shared init";
            case UNTRAINED -> untrained;
            case UNTRAINED_SHARED -> untrained + ", shared init";
            default -> kind.startsWith(PERMUTED) ? label(kind.substring(PERMUTED.length()), studentModality) + ", "
                    + studentModality + " channels permuted" : teacherModality + " teacher vs " + studentModality
                    + " student " + kind.substring(STUDENT.length());
        };
    }

    /** The methods whose runs the study reads: {@code none} (the teachers' runs) and the students'. */
    private List<String> studyMethods() {
        List<String> all = new ArrayList<>(List.of(NoDistillation.NAME));
        all.addAll(methods);
        return all;
    }

    private String otherModality(String modality) {
        return type.modalities().get(1 - type.modalities().indexOf(modality));
    }

    private Settings with(Map<String, String> overrides) {
        Map<String, String> given = new HashMap<>(settings.given());
        given.putAll(overrides);
        return TaskRegistry.settings(type, given);
    }

    private Settings with(Settings base, String key, String value) {
        Map<String, String> given = new HashMap<>(base.given());
        given.put(key, value);
        return TaskRegistry.settings(type, given);
    }

    /** The pooled features of {@code network} on the test pairs of {@code seed}: {@code [N, D]}. */
    private static NDArray features(Experiment experiment, String modality, FrozenTeacher network, long seed,
            NDManager manager) {
        BatchSource test = experiment.task().splits(seed).test();
        TeacherOutputs outputs = TeacherOutputs.compute(network, test, experiment.task().modalityIndex(modality),
                manager);
        return outputs.rows(manager, IntStream.range(0, test.size()).toArray()).feature();
    }

    /** Returns {@code x} with its columns (channels) in a random order fixed by {@code seed}. */
    static NDArray permuteChannels(NDArray x, long seed) {
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

    /**
     * Builds a {@link SimilarityStudy}: {@code setSettings} (the benchmark's settings; their seeds, students,
     * epochs, batch size, data, feature point (the one the students are trained with) and output folder are used,
     * their initialisation and methods are set by the study) is required, everything else optional.
     */
    public static final class Builder {

        private Settings settings;
        private TaskType type = AvMnistTtsTask.TYPE;
        private double cutoffRatio = 0.5;
        private List<String> methods = List.of("kd", "feature-mse", "fd-cmkd");
        private String teacherModality;
        private int nullDraws = 3;

        private Builder() {}

        /** Sets the benchmark's settings (required). */
        public Builder setSettings(Settings settings) {
            this.settings = settings;
            return this;
        }

        /** Sets the benchmark; default the embedded AV-MNIST-TTS. */
        public Builder optTaskType(TaskType type) {
            this.type = type;
            return this;
        }

        /** Sets the fraction of the non-DC bins in the low band; default 0.5, the released code's split. */
        public Builder optCutoffRatio(double cutoffRatio) {
            this.cutoffRatio = cutoffRatio;
            return this;
        }

        /**
         * Sets the students' methods, each compared with the teacher that taught it; default {@code kd}, {@code
         * feature-mse}, {@code fd-cmkd} (our choice: a logit method, a plain feature method and FD-CMKD). {@code
         * none} is not among them: its student is the other modality's teacher, the first pair.
         */
        public Builder optMethods(List<String> methods) {
            this.methods = methods;
            return this;
        }

        /** Sets the teacher's modality; default the task's first (its student is of the other one). */
        public Builder optTeacherModality(String modality) {
            this.teacherModality = modality;
            return this;
        }

        /** Sets the number of surrogate draws of the CKA null; default 3 (our choice). */
        public Builder optNullDraws(int draws) {
            this.nullDraws = draws;
            return this;
        }

        /** Returns the study, checking every setting. */
        public SimilarityStudy build() {
            if (settings == null) {
                throw new IllegalArgumentException("SimilarityStudy: settings are required (setSettings)");
            }
            if (!(cutoffRatio > 0 && cutoffRatio < 1)) {
                throw new IllegalArgumentException("SimilarityStudy: cutoffRatio must be in (0, 1), was "
                        + cutoffRatio);
            }
            if (nullDraws < 1) {
                throw new IllegalArgumentException("SimilarityStudy: nullDraws must be at least 1, was " + nullDraws);
            }
            if (teacherModality != null && !type.modalities().contains(teacherModality)) {
                throw new IllegalArgumentException("SimilarityStudy: teacherModality must be one of "
                        + type.modalities() + ", was " + teacherModality);
            }
            if (methods.contains(NoDistillation.NAME)) {
                throw new IllegalArgumentException("SimilarityStudy: methods must not contain " + NoDistillation.NAME
                        + ": its student is the other modality's teacher, the pair " + TEACHERS);
            }
            methods.forEach(method -> MethodRegistry.spec(method, type.layout()));
            return new SimilarityStudy(this);
        }
    }
}
