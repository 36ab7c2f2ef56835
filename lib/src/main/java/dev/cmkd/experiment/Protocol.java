package dev.cmkd.experiment;

import dev.cmkd.report.BenchmarkReport;
import dev.cmkd.method.MethodSpec;
import dev.cmkd.method.NoDistillation;
import dev.cmkd.train.RunBusyException;
import dev.cmkd.train.RunSpec;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an experiment runs: for each seed, the teachers the students need, then for each student modality (taught by
 * the other modality's teacher) a student with each method. Every run resumes or is read back when it has run
 * before. One rule holds for every task: without distillation ({@code none}) a student is its modality's network
 * trained alone, which with the teachers' schedule is that modality's teacher run (same network, initial weights
 * ({@link Initialisation}), data order and loss), so that run is reused (and trained if no student needed it as a
 * teacher). A run whose loss becomes NaN or infinite fails alone: its students are not trained, and the protocol
 * goes on with the next seed.
 *
 * @param seeds the seeds, each with its own teachers
 * @param students the student modalities
 * @param methods the methods (registered ones or variants)
 * @param teacherEpochs epochs of each teacher
 * @param studentEpochs epochs of each student
 * @param batchSize the batch size of every run (64 in the paper)
 * @param joint train both students of a method in one run, as the authors' code does (with frozen teachers this
 *     equals separate runs: {@link Experiment#jointStudents}); needs both modalities as students
 */
public record Protocol(List<Long> seeds, List<String> students, List<MethodSpec> methods, int teacherEpochs,
        int studentEpochs, int batchSize, boolean joint) {

    /** Validates the lists. */
    public Protocol {
        if (seeds.isEmpty() || students.isEmpty() || methods.isEmpty()) {
            throw new IllegalArgumentException("a protocol needs at least one seed, student and method; got seeds "
                    + seeds + ", students " + students + ", " + methods.size() + " methods");
        }
        if (joint && students.size() != 2) {
            throw new IllegalArgumentException("joint training trains both students at once; students " + students
                    + " must name both modalities");
        }
        seeds = List.copyOf(seeds);
        students = List.copyOf(students);
        methods = List.copyOf(methods);
    }

    /** Returns the teachers' schedule for {@code seed}: the released code's optimisation. */
    public RunSpec teacherSpec(long seed) {
        return RunSpec.paper(teacherEpochs, batchSize, seed);
    }

    /** Returns the students' schedule for {@code seed}. */
    public RunSpec studentSpec(long seed) {
        return RunSpec.paper(studentEpochs, batchSize, seed);
    }

    /**
     * Trains this protocol's runs as one of several worker processes that share its run directories ({@link
     * Workers}), and returns when every run has finished or failed. Every worker walks the same list: per seed the
     * teachers, then each student (or joint run) whose teacher has finished. A run whose directory another worker
     * holds ({@link RunBusyException}) is skipped, and so are the students of a teacher still in training; the
     * list is walked again, after {@code pollMillis}, until nothing was skipped. Finished runs are read back, not
     * trained again, so the walk only decides who trains what: each run's result is the same whichever worker trains
     * it. The caller then {@link #run}s the protocol to read every run back into one report.
     */
    public void work(Experiment experiment, long pollMillis) {
        Task task = experiment.task();
        Map<String, Boolean> done = new LinkedHashMap<>();
        boolean skipped = true;
        while (skipped) {
            skipped = false;
            for (long seed : seeds) {
                RunSpec teacherSpec = teacherSpec(seed);
                RunSpec studentSpec = studentSpec(seed);
                Map<String, Boolean> teachers = new LinkedHashMap<>();
                for (String modality : teacherModalities(task, seed)) {
                    teachers.put(modality, attempt(done, "teacher-" + modality + "-" + seed,
                            () -> experiment.teacher(modality, teacherSpec).finished()));
                }
                skipped |= teachers.containsValue(null);
                for (MethodSpec method : methods) {
                    if (joint) {
                        skipped |= afterTeachers(teachers.values(), done, "joint-" + method.name() + "-" + seed, () -> {
                            experiment.jointStudents(method, studentSpec, teacherSpec);
                            return true;
                        }) == null;
                        continue;
                    }
                    for (String student : students) {
                        if (!reusesTeacher(method, seed)) { // none is the teacher run of its modality
                            skipped |= afterTeachers(Collections.singletonList(teachers.get(task.otherModality(
                                    student))), done, "student-" + student + "-" + method.name() + "-" + seed,
                                    () -> experiment.student(student, method, studentSpec, teacherSpec).finished())
                                    == null;
                        }
                    }
                }
            }
            if (skipped) {
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("a protocol worker was interrupted", e);
                }
            }
        }
    }

    /**
     * Returns whether the run {@code key} finished (trained or read back once, then remembered in {@code done}),
     * or null when another process holds it or a run it reads.
     */
    private static Boolean attempt(Map<String, Boolean> done, String key, Supplier<Boolean> run) {
        if (!done.containsKey(key)) {
            try {
                done.put(key, run.get());
            } catch (RunBusyException e) {
                return null;
            }
        }
        return done.get(key);
    }

    /**
     * {@link #attempt}s a run once its teachers have finished: null while one of them (or the run) is held by another
     * process, false when one of them failed (the run is not trained).
     */
    private static Boolean afterTeachers(Collection<Boolean> teachers, Map<String, Boolean> done, String key,
            Supplier<Boolean> run) {
        if (teachers.contains(null)) {
            return null;
        }
        return teachers.contains(false) ? Boolean.FALSE : attempt(done, key, run);
    }

    /**
     * Whether {@code method}'s student is its modality's teacher run ({@code none} with the teachers' schedule), so
     * that no run of its own is trained for it.
     */
    public boolean reusesTeacher(MethodSpec method, long seed) {
        return NoDistillation.NAME.equals(method.name()) && studentSpec(seed).equals(teacherSpec(seed));
    }

    /** The modalities whose teacher the protocol trains for {@code seed}, in the task's order. */
    private List<String> teacherModalities(Task task, long seed) {
        return teacherModalities(task.modalities(), seed);
    }

    /**
     * Returns the modalities (of a task's two, {@code modalities}, in its order) whose teacher the protocol trains
     * for {@code seed}: those that teach a student, and those whose {@code none} student is their teacher run.
     */
    public List<String> teacherModalities(List<String> modalities, long seed) {
        boolean distils = methods.stream().anyMatch(method -> !reusesTeacher(method, seed));
        return modalities.stream().filter(modality -> distils && students.stream().anyMatch(student ->
                !student.equals(modality)) || students.contains(modality) && methods.stream()
                .anyMatch(method -> reusesTeacher(method, seed))).toList();
    }

    /** Runs every teacher and student on {@code experiment} and returns them in one report. */
    public BenchmarkReport run(Experiment experiment) {
        Task task = experiment.task();
        for (String student : students) {
            task.modalityIndex(student); // fails before any training, naming the task's modalities
        }
        BenchmarkReport report = new BenchmarkReport(task);
        for (long seed : seeds) {
            RunSpec teacherSpec = teacherSpec(seed);
            RunSpec studentSpec = studentSpec(seed);
            Map<String, RunOutcome> teachers = new LinkedHashMap<>();
            for (String modality : teacherModalities(task, seed)) {
                teachers.put(modality, experiment.teacher(modality, teacherSpec));
                report.add(new BenchmarkReport.Entry("teacher", modality, "", "", seed, teachers.get(modality)));
            }
            List<RunOutcome> failedTeachers = teachers.values().stream().filter(t -> !t.finished()).toList();
            Map<String, Map<String, RunOutcome>> jointRuns = new LinkedHashMap<>();
            if (joint && failedTeachers.isEmpty()) {
                for (MethodSpec method : methods) {
                    jointRuns.put(method.name(), experiment.jointStudents(method, studentSpec, teacherSpec));
                }
            }
            for (String student : students) {
                RunOutcome teacher = teachers.get(task.otherModality(student));
                RunOutcome failedTeacher = teacher != null && !teacher.finished() ? teacher
                        : joint && !failedTeachers.isEmpty() ? failedTeachers.get(0) : null;
                for (MethodSpec method : methods) {
                    RunOutcome outcome;
                    if (reusesTeacher(method, seed)) {
                        outcome = teachers.get(student);
                    } else if (failedTeacher != null) {
                        String name = experiment.studentDir(student, method.name(), studentSpec).getFileName()
                                .toString();
                        outcome = new RunOutcome(name, List.of(), Map.of(), "not trained: its teacher "
                                + failedTeacher.name() + " failed");
                    } else {
                        outcome = joint ? jointRuns.get(method.name()).get(student)
                                : experiment.student(student, method, studentSpec, teacherSpec);
                    }
                    report.add(new BenchmarkReport.Entry("student", student, task.otherModality(student),
                            method.name(), seed, outcome));
                }
            }
        }
        return report;
    }
}
