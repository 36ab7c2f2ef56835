package dev.cmkd.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A static file server on 127.0.0.1 (an ephemeral port) for testing download scripts: serves the bytes put
 * under a path, honours {@code Range: bytes=N-} with 206 (as curl's resume asks), 404 otherwise, answers the next
 * requests of a {@link #throttle throttled} path with 429 Too Many Requests (and a {@code Retry-After} header when
 * given), and records the requests it received with the time each arrived.
 */
public final class LoopbackServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final Map<String, Throttle> throttles = new ConcurrentHashMap<>();

    /** The next {@code remaining} requests of a path are answered 429, with {@code retryAfter} unless null. */
    private record Throttle(int remaining, String retryAfter) {}

    /** Starts the server. */
    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String range = exchange.getRequestHeaders().getFirst("Range");
            requests.add(path + (range == null ? "" : " " + range));
            arrivals.add(System.nanoTime());
            byte[] body = files.get(path);
            Throttle throttle = throttles.computeIfPresent(path, (p, t) -> t.remaining() > 0
                    ? new Throttle(t.remaining() - 1, t.retryAfter()) : null);
            try (exchange) {
                if (throttle != null) {
                    if (throttle.retryAfter() != null) {
                        exchange.getResponseHeaders().add("Retry-After", throttle.retryAfter());
                    }
                    exchange.sendResponseHeaders(429, -1);
                    return;
                }
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                int from = 0;
                Matcher matcher = range == null ? null : RANGE.matcher(range);
                if (matcher != null && matcher.matches()) {
                    from = Integer.parseInt(matcher.group(1));
                    if (from >= body.length) {
                        exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
                        exchange.sendResponseHeaders(416, -1);
                        return;
                    }
                    exchange.getResponseHeaders().add("Content-Range",
                            "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                    exchange.sendResponseHeaders(206, body.length - from);
                } else {
                    exchange.sendResponseHeaders(200, body.length);
                }
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body, from, body.length - from);
                }
            }
        });
        server.start();
    }

    /** Serves {@code bytes} at {@code path} (e.g. {@code /a/b.wav}). */
    public void put(String path, byte[] bytes) {
        files.put(path, bytes);
    }

    /**
     * Answers the next {@code times} requests of {@code path} with 429 Too Many Requests, with the header {@code
     * Retry-After: retryAfter} unless it is null (seconds, or an HTTP date).
     */
    public void throttle(String path, int times, String retryAfter) {
        throttles.put(path, new Throttle(times, retryAfter));
    }

    /** Returns the base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Returns the requests received so far: the path, then the Range header if any. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Returns the arrival time ({@link System#nanoTime()}) of each request, in the order of {@link #requests()}. */
    public List<Long> arrivals() {
        return List.copyOf(arrivals);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
