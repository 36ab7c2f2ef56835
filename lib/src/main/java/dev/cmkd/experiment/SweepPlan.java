package dev.cmkd.experiment;

import dev.cmkd.method.MethodSpec;
import dev.cmkd.train.RunSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A protocol ({@link Protocol}) expanded into the runs it trains, in two phases: the teachers, then the students (or
 * joint runs), which read their teachers. Each run has an index in its phase, the task index of a Slurm job array
 * ({@code kit sweep}); the order is the one {@link Protocol#work} walks (per seed, the teachers in the task's order,
 * then per method the students), and the directories are {@link Experiment}'s. A {@code none} student is its
 * modality's teacher run and has no run of its own. Nothing here reads data: a plan is made for a dry run on a
 * machine without the dataset.
 *
 * @param protocol the protocol
 * @param runsDir where the runs' directories are ({@code <output>/runs})
 * @param teachers the teacher runs, by task index
 * @param students the student (or joint) runs, by task index
 */
public record SweepPlan(Protocol protocol, Path runsDir, List<PlannedRun> teachers, List<PlannedRun> students) {

    /** The two phases of a sweep: the students' array depends on the teachers'. */
    public enum Phase {
        /** The teachers. */
        TEACHERS,
        /** The students (or joint runs), after every teacher. */
        STUDENTS;

        /** Returns {@code teachers} or {@code students}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Returns the phase labelled {@code label}, or throws naming both. */
        public static Phase of(String label) {
            for (Phase phase : values()) {
                if (phase.label().equals(label)) {
                    return phase;
                }
            }
            throw new IllegalArgumentException("no phase '" + label + "'; known: teachers, students");
        }
    }

    /**
     * One run of a sweep.
     *
     * @param phase its phase
     * @param index its index in the phase (the array task)
     * @param role {@code teacher}, {@code student} or {@code joint}
     * @param modality the trained modality (empty for a joint run, which trains both)
     * @param method the method (empty for a teacher)
     * @param seed the seed
     * @param epochs the epochs it trains
     * @param dir its run directory
     */
    public record PlannedRun(Phase phase, int index, String role, String modality, String method, long seed,
            int epochs, Path dir) {

        /** Returns the name of its directory, e.g. {@code student-audio-kd-seed0}. */
        public String name() {
            return dir.getFileName().toString();
        }

        /** Returns {@code teachers:3}: its phase and index, as {@code kit sweep --task} takes them. */
        public String task() {
            return phase.label() + ":" + index;
        }
    }

    /** Copies the lists. */
    public SweepPlan {
        teachers = List.copyOf(teachers);
        students = List.copyOf(students);
    }

    /**
     * Expands {@code protocol} over a task of the two {@code modalities} with its runs under {@code runsDir}
     * ({@code <output>/runs}).
     */
    public static SweepPlan of(Protocol protocol, List<String> modalities, Path runsDir) {
        List<PlannedRun> teachers = new ArrayList<>();
        List<PlannedRun> students = new ArrayList<>();
        for (long seed : protocol.seeds()) {
            RunSpec teacherSpec = protocol.teacherSpec(seed);
            RunSpec studentSpec = protocol.studentSpec(seed);
            for (String modality : protocol.teacherModalities(modalities, seed)) {
                teachers.add(new PlannedRun(Phase.TEACHERS, teachers.size(), "teacher", modality, "", seed,
                        teacherSpec.epochs(), runsDir.resolve("teacher-" + modality + "-seed" + seed)));
            }
            for (MethodSpec method : protocol.methods()) {
                if (protocol.joint()) {
                    students.add(new PlannedRun(Phase.STUDENTS, students.size(), "joint", "", method.name(), seed,
                            studentSpec.epochs(), runsDir.resolve("joint-" + method.name() + "-seed" + seed)));
                    continue;
                }
                for (String student : protocol.students()) {
                    if (!protocol.reusesTeacher(method, seed)) {
                        students.add(new PlannedRun(Phase.STUDENTS, students.size(), "student", student,
                                method.name(), seed, studentSpec.epochs(), runsDir.resolve("student-" + student
                                        + "-" + method.name() + "-seed" + seed)));
                    }
                }
            }
        }
        return new SweepPlan(protocol, runsDir, teachers, students);
    }

    /** Returns the runs of {@code phase}. */
    public List<PlannedRun> runs(Phase phase) {
        return phase == Phase.TEACHERS ? teachers : students;
    }

    /** Returns every run, teachers first. */
    public List<PlannedRun> all() {
        List<PlannedRun> all = new ArrayList<>(teachers);
        all.addAll(students);
        return all;
    }

    /**
     * Returns the run of {@code phase} with task index {@code index}, or throws naming the phase's range.
     *
     * @throws IllegalArgumentException for an index outside the phase
     */
    public PlannedRun run(Phase phase, int index) {
        List<PlannedRun> runs = runs(phase);
        if (index < 0 || index >= runs.size()) {
            throw new IllegalArgumentException("no " + phase.label() + " task " + index + ": the sweep's "
                    + phase.label() + " are tasks 0.." + (runs.size() - 1) + "; fix: the same settings as the"
                    + " submitting kit sweep (a changed setting changes the expansion)");
        }
        return runs.get(index);
    }

    /**
     * Trains (or resumes, or reads back) {@code run} on {@code experiment}, the experiment of this plan's settings,
     * and returns its outcome (a joint run's first student's).
     */
    public RunOutcome train(Experiment experiment, PlannedRun run) {
        RunSpec teacherSpec = protocol.teacherSpec(run.seed());
        RunSpec studentSpec = protocol.studentSpec(run.seed());
        MethodSpec method = protocol.methods().stream().filter(m -> m.name().equals(run.method())).findFirst()
                .orElse(null);
        return switch (run.role()) {
            case "teacher" -> experiment.teacher(run.modality(), teacherSpec);
            case "joint" -> experiment.jointStudents(method, studentSpec, teacherSpec).values().iterator().next();
            default -> experiment.student(run.modality(), method, studentSpec, teacherSpec);
        };
    }
}
