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
 * under a path, honours {@code Range: bytes=N-} with 206 (as curl's resume asks), 404 otherwise, and records the
 * requests it received.
 */
public final class LoopbackServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** Starts the server. */
    public LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String range = exchange.getRequestHeaders().getFirst("Range");
            requests.add(path + (range == null ? "" : " " + range));
            byte[] body = files.get(path);
            try (exchange) {
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

    /** Returns the base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Returns the requests received so far: the path, then the Range header if any. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
