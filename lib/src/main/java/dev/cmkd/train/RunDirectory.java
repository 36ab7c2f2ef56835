package dev.cmkd.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.cmkd.data.Sha256;
import dev.cmkd.results.ResultFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One run's directory: what the run is, who writes it, and its files, committed once per epoch.
 *
 * <ul>
 *   <li><b>Identity.</b> {@code config.json} holds everything that determines the run's result, as the caller
 *       claims it (method, network, schedule, data, seed, thread count). {@link #claim} writes it for a new run and
 *       refuses a directory that holds another, naming every field that differs and the fix.
 *   <li><b>One writer.</b> While a run is claimed, its {@code .lock} holds an operating-system lock, which ends
 *       with the process even when it is killed; a second process is refused, naming the holder's pid.
 *   <li><b>One commit per epoch.</b> An epoch's files (checkpoint, metrics, best parameters) are first written as
 *       {@code <file>.pending}; then {@code manifest.json} (their SHA-256 digests, the epochs done, the environment
 *       of every training session) replaces the old one atomically, which is the commit; then the pending files take
 *       their names, the replaced checkpoint kept as {@code checkpoint.previous.bin}. A process killed before the
 *       manifest is replaced leaves the previous epoch's commit (its pending files are deleted on the next claim);
 *       killed after it, the next claim finishes the renames.
 *   <li><b>Verified reads.</b> Every file is checked against its digest when it is read: a damaged checkpoint falls
 *       back to the previous epoch's; anything else is reported with its name and the fix.
 * </ul>
 */
public final class RunDirectory implements AutoCloseable {

    /** The run's identity. */
    public static final String CONFIG = "config.json";
    /** The digests of the committed files, the epochs done and the environments that trained them. */
    public static final String MANIFEST = "manifest.json";
    /** The checkpoint of the epoch before the last, kept for a damaged {@link Checkpoint#FILE}. */
    public static final String PREVIOUS_CHECKPOINT = "checkpoint.previous.bin";

    private static final String LOCK = ".lock";
    private static final String PENDING = ".pending";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    private final Path dir;
    private final FileChannel channel;
    private JsonObject manifest;

    private RunDirectory(Path dir, FileChannel channel) {
        this.dir = dir;
        this.channel = channel;
    }

    /**
     * Locks {@code dir} for this process, writes {@code identity} to its {@code config.json} or checks that the one
     * there is the same (JSON values, not text), finishes or discards an interrupted commit, and returns the run.
     *
     * @throws RunBusyException when another process writes the run
     * @throws RunDirectoryException when the directory holds another identity, or a committed file was changed
     */
    public static RunDirectory claim(Path dir, Map<String, Object> identity) {
        RunDirectory run = new RunDirectory(dir, lock(dir, false));
        try {
            run.checkIdentity(GSON.toJson(new TreeMap<>(identity)));
            run.recover(true);
            return run;
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /** A reader of a run file. */
    @FunctionalInterface
    public interface FileReader {
        /** Reads the (verified) file. */
        void read(Path file) throws Exception;
    }

    /**
     * Reads {@code file} of the run in {@code dir}, which must have finished {@code epochs} epochs, after checking it
     * against the manifest; the run is locked for reading meanwhile, so no process writes it.
     *
     * @param trainFirst what trains the run, for the message when it has not finished, e.g. {@code "the audio
     *     teacher"}
     * @throws RunDirectoryException naming the run, the file and the fix
     */
    public static void readFinished(Path dir, int epochs, String trainFirst, String file, FileReader reader) {
        if (!Files.exists(dir.resolve(MANIFEST)) && !Files.exists(dir.resolve(file))) {
            throw new RunDirectoryException("no trained run at " + dir + "; fix: train " + trainFirst + " first");
        }
        try (RunDirectory run = new RunDirectory(dir, lock(dir, true))) {
            run.recover(false);
            if (run.epochs() < epochs) {
                throw new RunDirectoryException(dir + " has finished " + run.epochs() + " of " + epochs
                        + " epochs; fix: train " + trainFirst + " first (it resumes)");
            }
            Path verified = run.verified(file);
            try {
                reader.read(verified);
            } catch (Exception e) {
                throw new RunDirectoryException("cannot read " + verified + ": " + describe(e) + "; fix: delete " + dir
                        + " and train " + trainFirst + " again", e);
            }
        }
    }

    /** Returns the directory. */
    public Path dir() {
        return dir;
    }

    /** Returns the epochs committed (0 before the first commit). */
    public int epochs() {
        return manifest == null ? 0 : manifest.get("epochs").getAsInt();
    }

    /**
     * Returns the checkpoint to resume from: {@link Checkpoint#FILE} when it matches its digest, else the previous
     * epoch's when that one does (saying so on standard error); null before the first commit.
     *
     * @throws RunDirectoryException when neither matches
     */
    public Path checkpoint() {
        if (manifest == null) {
            return null;
        }
        String problem = problem(Checkpoint.FILE);
        if (problem == null) {
            return dir.resolve(Checkpoint.FILE);
        }
        JsonObject previous = manifest.getAsJsonObject("previous");
        Path older = dir.resolve(PREVIOUS_CHECKPOINT);
        if (previous != null && Files.exists(older)
                && Sha256.hex(older).equals(previous.get("sha256").getAsString())) {
            System.err.printf("%s: %s; resuming from %s, the state after epoch %d%n", dir, problem,
                    PREVIOUS_CHECKPOINT, previous.get("epochs").getAsInt());
            return older;
        }
        throw new RunDirectoryException(dir + ": " + problem + ", and no earlier checkpoint is intact; fix: delete "
                + dir + " to train the run again");
    }

    /** Returns whether {@code file} is committed and matches its digest. */
    public boolean matches(String file) {
        return manifest != null && problem(file) == null;
    }

    /**
     * Returns {@code file} after checking it against its digest.
     *
     * @throws RunDirectoryException naming the file and the fix when it is missing, not committed or changed
     */
    public Path verified(String file) {
        String problem = manifest == null ? file + " was never committed (the run has no " + MANIFEST + ")"
                : problem(file);
        Path pending = dir.resolve(file + PENDING);
        JsonElement digest = manifest == null ? null : manifest.getAsJsonObject("files").get(file);
        if (problem != null && digest != null && Files.exists(pending)
                && Sha256.hex(pending).equals(digest.getAsString())) {
            return pending; // committed by a process killed before the renames
        }
        if (problem != null) {
            throw new RunDirectoryException(dir + ": " + problem + "; fix: delete " + dir + " to train the run again");
        }
        return dir.resolve(file);
    }

    /**
     * Commits {@code epochs} finished epochs: writes {@code files} (name to writer), then the manifest with their
     * digests, the files kept from the last commit and the environment of this process for the epochs it trained.
     *
     * @throws RunDirectoryException when a file cannot be written (a full disk): the last commit stays, so the run
     *     resumes after its epoch
     */
    public void commit(int epochs, Map<String, ResultFiles.Writer> files) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (Map.Entry<String, ResultFiles.Writer> file : files.entrySet()) {
            Path pending = dir.resolve(file.getKey() + PENDING);
            try {
                file.getValue().write(pending);
            } catch (IOException | UncheckedIOException e) {
                throw new RunDirectoryException("could not write " + pending + ": " + describe(e) + "; fix: free space"
                        + " on its disk and run the command again (the run resumes after epoch " + epochs() + ")", e);
            }
            digests.put(file.getKey(), Sha256.hex(pending));
        }
        JsonObject next = new JsonObject();
        next.addProperty("epochs", epochs);
        JsonObject committed = manifest == null ? new JsonObject() : manifest.getAsJsonObject("files").deepCopy();
        if (!committed.has(CONFIG)) {
            committed.addProperty(CONFIG, Sha256.hex(dir.resolve(CONFIG)));
        }
        digests.forEach(committed::addProperty);
        next.add("files", committed);
        boolean newCheckpoint = digests.containsKey(Checkpoint.FILE);
        if (newCheckpoint && manifest != null && manifest.getAsJsonObject("files").has(Checkpoint.FILE)) {
            JsonObject previous = new JsonObject();
            previous.addProperty("epochs", epochs());
            previous.add("sha256", manifest.getAsJsonObject("files").get(Checkpoint.FILE));
            next.add("previous", previous);
        } else if (manifest != null && manifest.has("previous")) {
            next.add("previous", manifest.get("previous"));
        }
        next.add("sessions", sessions(epochs));
        try {
            ResultFiles.writeString(GSON.toJson(next), dir.resolve(MANIFEST));
        } catch (UncheckedIOException e) {
            throw new RunDirectoryException("could not write " + dir.resolve(MANIFEST) + ": " + describe(e) + "; fix:"
                    + " free space on its disk and run the command again (the run resumes after epoch " + epochs()
                    + ")", e);
        }
        manifest = next;
        if (newCheckpoint && Files.exists(dir.resolve(Checkpoint.FILE))) {
            move(dir.resolve(Checkpoint.FILE), dir.resolve(PREVIOUS_CHECKPOINT));
        }
        digests.keySet().forEach(name -> move(dir.resolve(name + PENDING), dir.resolve(name)));
    }

    /**
     * Returns the environment the run was trained in ({@link Environment#describe()}'s keys); where sessions differ
     * in an entry, their values joined with {@code " | "} in training order. Empty before the first commit.
     */
    public Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        if (manifest == null) {
            return environment;
        }
        for (JsonElement session : manifest.getAsJsonArray("sessions")) {
            session.getAsJsonObject().getAsJsonObject("environment").entrySet().forEach(entry -> environment.merge(
                    entry.getKey(), entry.getValue().getAsString(), (old, value) -> List.of(old.split(" \\| "))
                            .contains(value) ? old : old + " | " + value));
        }
        return environment;
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not release " + dir.resolve(LOCK) + ": " + e.getMessage(), e);
        }
    }

    /** The sessions of the manifest after this process committed {@code epochs}. */
    private JsonArray sessions(int epochs) {
        JsonArray sessions = manifest == null ? new JsonArray() : manifest.getAsJsonArray("sessions").deepCopy();
        if (epochs <= epochs()) {
            return sessions; // a repair of the same epochs: nobody trained
        }
        JsonObject environment = GSON.toJsonTree(Environment.describe()).getAsJsonObject();
        JsonObject last = sessions.isEmpty() ? null : sessions.get(sessions.size() - 1).getAsJsonObject();
        if (last != null && last.get("environment").equals(environment)
                && last.get("lastEpoch").getAsInt() == epochs()) {
            last.addProperty("lastEpoch", epochs);
        } else {
            JsonObject session = new JsonObject();
            session.addProperty("firstEpoch", epochs() + 1);
            session.addProperty("lastEpoch", epochs);
            session.add("environment", environment);
            sessions.add(session);
        }
        return sessions;
    }

    /** Writes or checks {@code config.json}. */
    private void checkIdentity(String json) {
        Path file = dir.resolve(CONFIG);
        if (!Files.exists(file)) {
            try {
                ResultFiles.writeString(json, file);
            } catch (UncheckedIOException e) {
                throw new RunDirectoryException("could not write " + file + ": " + describe(e) + "; fix: free space"
                        + " on its disk and run the command again", e);
            }
            return;
        }
        JsonObject existing = readObject(file);
        List<String> differences = new ArrayList<>();
        differences(existing, JsonParser.parseString(json), "", differences);
        if (!differences.isEmpty()) {
            throw new RunDirectoryException(dir + " holds a run with another configuration (" + String.join("; ",
                    differences) + "); fix: delete " + dir + " to train it again with these settings, or set"
                    + " -Dfdcmkd.output to another folder");
        }
    }

    /** Adds one line per field that differs between the run's configuration and the requested one. */
    private static void differences(JsonElement run, JsonElement requested, String path, List<String> out) {
        if (run != null && requested != null && run.isJsonObject() && requested.isJsonObject()) {
            TreeSet<String> keys = new TreeSet<>(run.getAsJsonObject().keySet());
            keys.addAll(requested.getAsJsonObject().keySet());
            for (String key : keys) {
                differences(run.getAsJsonObject().get(key), requested.getAsJsonObject().get(key), path.isEmpty() ? key
                        : path + "." + key, out);
            }
        } else if (run == null || !run.equals(requested)) {
            out.add(path + ": the run has " + (run == null ? "no value" : run) + ", the settings "
                    + (requested == null ? "none" : requested));
        }
    }

    /**
     * Reads the manifest and checks the configuration's digest; a writer ({@code claim}) also finishes or discards
     * an interrupted commit (a reader, which shares the lock with other readers, reads a committed file that is
     * still pending instead: {@link #verified}).
     */
    private void recover(boolean writer) {
        Path file = dir.resolve(MANIFEST);
        if (Files.exists(file)) {
            manifest = readObject(file);
            try {
                manifest.get("epochs").getAsInt();
                manifest.getAsJsonObject("files").keySet();
                manifest.getAsJsonArray("sessions").size();
            } catch (RuntimeException e) {
                throw new RunDirectoryException("cannot read " + file + ": it lacks epochs, files or sessions (damaged,"
                        + " or changed after it was written); fix: delete " + dir + " to train the run again", e);
            }
        }
        for (Path pending : writer ? list(PENDING) : List.<Path>of()) {
            String name = pending.getFileName().toString();
            name = name.substring(0, name.length() - PENDING.length());
            String digest = manifest == null || !manifest.getAsJsonObject("files").has(name) ? null
                    : manifest.getAsJsonObject("files").get(name).getAsString();
            if (Sha256.hex(pending).equals(digest)) {
                if (name.equals(Checkpoint.FILE) && Files.exists(dir.resolve(name))) {
                    move(dir.resolve(name), dir.resolve(PREVIOUS_CHECKPOINT));
                }
                move(pending, dir.resolve(name));
            } else {
                delete(pending);
            }
        }
        if (writer) {
            list(".part").forEach(RunDirectory::delete); // a write the process did not finish
        }
        if (manifest == null) {
            for (String name : List.of(Checkpoint.FILE, TrainingLoop.BEST_PARAMETERS)) {
                if (Files.exists(dir.resolve(name))) {
                    throw new RunDirectoryException(dir + " holds " + name + " but no " + MANIFEST + " (written by a"
                            + " kit before run manifests, or the manifest was deleted), so it cannot be verified;"
                            + " fix: delete " + dir + " to train the run again");
                }
            }
            return;
        }
        String config = problem(CONFIG);
        if (config != null) {
            throw new RunDirectoryException(dir + ": " + config + "; fix: delete " + dir + " to train the run again"
                    + " with the configuration you want");
        }
    }

    /** Reads a JSON object, or throws naming the file when it is not one (empty, truncated, damaged). */
    private JsonObject readObject(Path file) {
        try {
            JsonElement json = JsonParser.parseString(Files.readString(file));
            if (json.isJsonObject()) {
                return json.getAsJsonObject();
            }
        } catch (IOException | JsonParseException e) {
            throw new RunDirectoryException("cannot read " + file + ": " + describe(e) + "; fix: delete " + dir
                    + " to train the run again", e);
        }
        throw new RunDirectoryException("cannot read " + file + ": it is not a JSON object (empty or damaged); fix:"
                + " delete " + dir + " to train the run again");
    }

    /** Returns what is wrong with a committed file, or null when it matches its digest. */
    private String problem(String file) {
        JsonElement digest = manifest.getAsJsonObject("files").get(file);
        if (digest == null) {
            return file + " is not in " + MANIFEST;
        }
        Path path = dir.resolve(file);
        if (!Files.exists(path)) {
            return file + " is missing";
        }
        return Sha256.hex(path).equals(digest.getAsString()) ? null : file + " does not match its SHA-256 in "
                + MANIFEST + " (damaged, or changed after it was written)";
    }

    private List<Path> list(String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Opens and locks {@code dir/.lock}, shared for reading or exclusive for writing. */
    private static FileChannel lock(Path dir, boolean shared) {
        Path file = dir.resolve(LOCK);
        FileChannel channel;
        FileLock lock;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, shared);
            } catch (OverlappingFileLockException e) {
                lock = null; // this process holds it
            }
            if (lock == null) {
                channel.close();
                String holder = Files.readString(file).trim();
                throw new RunBusyException(dir + " is being written by another process" + (holder.isEmpty()
                        ? "" : " (pid " + holder + ")") + "; fix: wait for it to finish, or set -Dfdcmkd.output to"
                        + " another folder");
            }
            if (!shared) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
                        .getBytes(StandardCharsets.US_ASCII)), 0);
            }
            return channel;
        } catch (IOException e) {
            throw new RunDirectoryException("cannot lock " + file + ": " + describe(e) + "; fix: check that the"
                    + " results folder is writable and its disk has free space", e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns an exception's message, or its kind when it has none (never "null"). */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().lines().findFirst().orElseThrow().strip(); // Gson adds a second line
            }
        }
        return e.getClass().getSimpleName();
    }
}
