package dev.cmkd.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.cmkd.results.ResultFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The state of a run after its last finished epoch, in one file written atomically ({@link ResultFiles}):
 * a magic number, the run's records as JSON (whatever the training loop keeps), the trainable block's
 * parameters and the optimizer's velocities. Shared by every training loop of the kit, so that all of
 * them resume the same way.
 */
public final class Checkpoint {

    /** The file holding the state after the last finished epoch. */
    public static final String FILE = "checkpoint.bin";

    private static final int MAGIC = 0x434D4B44; // "CMKD"

    private Checkpoint() {}

    /** Writes {@code runDir/checkpoint.bin} atomically: the records' JSON, the parameters and the optimizer. */
    public static void save(Path runDir, String recordsJson, Block trainable, SgdMomentum optimizer) {
        ResultFiles.write(runDir.resolve(FILE), path -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path)))) {
                out.writeInt(MAGIC);
                byte[] json = recordsJson.getBytes(StandardCharsets.UTF_8);
                out.writeInt(json.length);
                out.write(json);
                trainable.saveParameters(out);
                optimizer.save(out);
            }
        });
    }

    /**
     * Restores the parameters and the optimizer from {@code runDir/checkpoint.bin} and returns the records'
     * JSON, or returns null when there is no checkpoint. A damaged or foreign checkpoint throws, naming the
     * file and the fix (delete the run directory).
     */
    public static String resume(Path runDir, Block trainable, SgdMomentum optimizer, NDManager manager) {
        Path checkpoint = runDir.resolve(FILE);
        if (!Files.exists(checkpoint)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(checkpoint)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a kit checkpoint (wrong magic number)");
            }
            String json = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            trainable.loadParameters(manager, in);
            // DJL replaces the arrays on load without their gradient flag.
            for (Pair<String, Parameter> p : trainable.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().setRequiresGradient(true);
                }
            }
            optimizer.load(in);
            return json;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot resume from " + checkpoint + ": " + e.getMessage()
                    + "; delete " + runDir + " to start the run again", e));
        }
    }
}
