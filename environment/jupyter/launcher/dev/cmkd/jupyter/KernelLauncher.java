package dev.cmkd.jupyter;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.LogManager;

import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.AbstractChannel;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.MessageHandler;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.Transform;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.IOPubStatus;

/**
 * Starts rapaio-jupyter-kernel 3.0.1 ready before it opens a socket; the kit's kernel.json runs it in place of the
 * kernel's own {@code MainApp} ({@code environment/setup-notebooks.sh}).
 *
 * <p>3.0.1's {@code Channels.connect} binds every socket and starts the shell and control loops first, and only
 * then fills its message-handler map. A request that arrives in between finds no handler: it is dropped
 * ("Unhandled message: kernel_info_request" in the kernel's log) or, while the map is still null, ends the shell
 * loop with a NullPointerException. A Jupyter client connects while the kernel is still loading (JShell, the class
 * path, the init script) and its first kernel_info_request is queued, so it arrives exactly in that window. Here
 * the kernel is fully built, the handlers are registered before any socket exists, and the shell socket is bound
 * last. The other start-up race of 3.0.1, loop threads that end at once, is fixed by the kit's {@code LoopThread}
 * placed before the kernel's jar on the class path.
 *
 * <p>Everything else is the kernel's own code. This relies on 3.0.1's private fields (checked at start, with an
 * error naming the version) and is replaced by plain {@code -jar} once a kernel release fixes both races.
 */
public final class KernelLauncher {

    /** The kernel version whose internals this launcher knows. */
    static final String SUPPORTED_VERSION = "3.0.1";

    private KernelLauncher() {
    }

    /**
     * @param args the connection file
     * @throws Exception if the kernel cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: KernelLauncher <connection file>");
        }
        String version = kernelVersion();
        if (!SUPPORTED_VERSION.equals(version)) {
            throw new IllegalStateException("KernelLauncher knows rapaio-jupyter-kernel " + SUPPORTED_VERSION
                    + ", the class path has " + version + "; fix: install " + SUPPORTED_VERSION
                    + " (environment/setup-notebooks.sh) or start the kernel with -jar");
        }
        try (InputStream logging = MainApp.class.getClassLoader().getResourceAsStream("logging.properties")) {
            LogManager.getLogManager().readConfiguration(logging);
        }
        ConnectionProperties connection = Transform.fromJson(Files.readString(Path.of(args[0])),
                ConnectionProperties.class);
        if (!"tcp".equals(connection.transport())) {
            throw new IllegalArgumentException("transport " + connection.transport() + " is not supported; use tcp");
        }

        RapaioKernel kernel = MainApp.kernel;   // JShell, RJK_CLASSPATH and RJK_INIT_SCRIPT, before any socket
        Channels channels = new Channels(connection);
        kernel.registerChannels(channels);
        set(channels, "handlers", handlers(kernel));
        for (String channel : List.of("heartbeat", "iopub", "stdin", "control", "shell")) {
            ((AbstractChannel) get(channels, channel)).bind(connection);
        }
        ((AbstractChannel) get(channels, "iopub")).sendMessage(
                new Message<>(MessageType.IOPUB_STATUS, IOPubStatus.STARTING));
        set(channels, "isConnected", true);
        channels.joinUntilClose();
    }

    /** The same handlers as 3.0.1's {@code Channels.connect}. */
    @SuppressWarnings("rawtypes")
    private static Map<MessageType<?>, MessageHandler> handlers(RapaioKernel kernel) {
        Map<MessageType<?>, MessageHandler> handlers = new HashMap<>();
        handlers.put(MessageType.SHELL_EXECUTE_REQUEST, (MessageHandler<?>) m -> kernel.handleExecuteRequest(cast(m)));
        handlers.put(MessageType.SHELL_INSPECT_REQUEST, (MessageHandler<?>) m -> kernel.handleInspectRequest(cast(m)));
        handlers.put(MessageType.SHELL_COMPLETE_REQUEST, (MessageHandler<?>) m -> kernel.handleCompleteRequest(cast(m)));
        handlers.put(MessageType.SHELL_HISTORY_REQUEST, (MessageHandler<?>) m -> kernel.handleHistoryRequest(cast(m)));
        handlers.put(MessageType.SHELL_IS_COMPLETE_REQUEST,
                (MessageHandler<?>) m -> kernel.handleIsCompleteRequest(cast(m)));
        handlers.put(MessageType.SHELL_KERNEL_INFO_REQUEST,
                (MessageHandler<?>) m -> kernel.handleKernelInfoRequest(cast(m)));
        handlers.put(MessageType.CONTROL_SHUTDOWN_REQUEST, (MessageHandler<?>) m -> kernel.handleShutdownRequest(cast(m)));
        handlers.put(MessageType.CONTROL_INTERRUPT_REQUEST,
                (MessageHandler<?>) m -> kernel.handleInterruptRequest(cast(m)));
        handlers.put(MessageType.CUSTOM_COMM_OPEN, (MessageHandler<?>) m -> kernel.handleCommOpenCommand(cast(m)));
        handlers.put(MessageType.CUSTOM_COMM_MSG, (MessageHandler<?>) m -> kernel.handleCommMsgCommand(cast(m)));
        handlers.put(MessageType.CUSTOM_COMM_CLOSE, (MessageHandler<?>) m -> kernel.handleCommCloseCommand(cast(m)));
        handlers.put(MessageType.SHELL_COMM_INFO_REQUEST, (MessageHandler<?>) m -> kernel.handleCommInfoRequest(cast(m)));
        return handlers;
    }

    @SuppressWarnings("unchecked")
    private static <T> Message<T> cast(Message<?> message) {
        return (Message<T>) message;
    }

    private static String kernelVersion() throws Exception {
        try (InputStream in = MainApp.class.getClassLoader().getResourceAsStream(
                "META-INF/maven/io.github.padreati/rapaio-jupyter-kernel/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        }
    }

    private static Object get(Channels channels, String name) throws ReflectiveOperationException {
        return field(name).get(channels);
    }

    private static void set(Channels channels, String name, Object value) throws ReflectiveOperationException {
        field(name).set(channels, value);
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = Channels.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
