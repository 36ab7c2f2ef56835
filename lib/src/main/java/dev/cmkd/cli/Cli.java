package dev.cmkd.cli;

import dev.cmkd.data.DatasetException;
import dev.cmkd.train.RunDirectoryException;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Runs an entry point the same way for every {@code lib/bin/kit} command: {@code --help} prints its options table;
 * otherwise the settings are parsed once, before any work, and the command runs. A setting that cannot be used, a
 * missing or damaged dataset, a run directory that holds another run, is locked by another process or has a damaged
 * file (the expected errors) ends it with one line {@code <command>: <what>; fix: <how>} on standard
 * error and status 2, without a stack trace ({@code -Dfdcmkd.debug=true} prints it too); anything else is a bug and
 * keeps its stack trace.
 */
public final class Cli {

    /** The key that prints the stack trace of an expected error too. */
    private static final String DEBUG = "debug";

    /** Exit status of a setting or input that cannot be used. */
    public static final int USAGE = 2;

    private Cli() {}

    /** A command's work, given its parsed settings and its positional arguments. */
    @FunctionalInterface
    public interface Body {
        /** Runs the command. */
        void run(Settings settings, List<String> positional) throws Exception;
    }

    /** Runs a command from {@code main} and exits with its status when that is not 0. */
    public static void main(String[] args, Function<List<String>, Options> table, Body body) {
        int status = run(args, System.getProperties(), table, body);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs a command and returns its exit status.
     *
     * @param args the program arguments: {@code --help}, {@code --key=value} settings and positional ones
     * @param properties the system properties ({@code fdcmkd.*} settings)
     * @param table the options table, given the positional arguments (e.g. the dataset of {@code kit run})
     * @param body the work
     */
    public static int run(String[] args, Properties properties, Function<List<String>, Options> table, Body body) {
        boolean debug = Boolean.parseBoolean(properties.getProperty(Options.PREFIX + DEBUG, "false"));
        String command = "kit";
        try {
            List<String> all = List.of(args);
            List<String> positional = all.stream().filter(arg -> !arg.startsWith("--") && !arg.equals("-h")).toList();
            Options options = table.apply(positional);
            command = options.command();
            Map<String, String> raw = options.raw(properties, args);
            raw.remove(DEBUG); // Cli's own, in every command
            if (all.contains("--help") || all.contains("-h")) {
                System.out.print(options.help());
                return 0;
            }
            body.run(options.parse(raw), positional);
            return 0;
        } catch (IllegalArgumentException | DatasetException | RunDirectoryException e) {
            String message = e.getMessage();
            System.err.println(message.startsWith(command) || message.startsWith("kit") ? message
                    : command + ": " + message);
            if (debug) {
                e.printStackTrace();
            }
            return USAGE;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(command + " failed: " + e, e);
        }
    }
}
