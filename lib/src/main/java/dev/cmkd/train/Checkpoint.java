package dev.cmkd.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.cmkd.method.DistillationObjective;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The state of a run after its last finished epoch, in one file committed with the epoch ({@link RunDirectory}):
 * a magic number, the run's records as JSON, the trainable block's parameters and the optimizer's velocities.
 */
public final class Checkpoint {

    /** The file holding the state after the last finished epoch. */
    public static final String FILE = "checkpoint.bin";

    private static final int MAGIC = 0x434D4B44; // "CMKD"

    private Checkpoint() {}

    /** Writes the records' JSON, the parameters and the optimizer's velocities to {@code file}. */
    public static void save(Path file, String recordsJson, Block trainable, SgdMomentum optimizer) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            byte[] json = recordsJson.getBytes(StandardCharsets.UTF_8);
            out.writeInt(json.length);
            out.write(json);
            trainable.saveParameters(out);
            optimizer.save(out);
        }
    }

    /**
     * Restores the parameters and the optimizer from {@code file} and returns the records' JSON. A checkpoint that
     * cannot be read throws, naming the file and the fix (delete the run directory).
     */
    public static String resume(Path file, Block trainable, SgdMomentum optimizer, NDManager manager) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a kit checkpoint (wrong magic number)");
            }
            String json = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            DistillationObjective.loadTrainable(trainable, manager, in);
            optimizer.load(in);
            return json;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new RunDirectoryException("cannot resume from " + file + ": " + RunDirectory.describe(e)
                    + "; fix: delete " + file.getParent() + " to start the run again", e);
        }
    }
}
