package dev.cmkd.scripts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A stand-in for yt-dlp, so that no test needs it or YouTube: it reads the options {@code fetch-clips.sh} passes
 * ({@code -o}, {@code --download-sections}, the watch URL), records each call in {@code calls.txt} next to itself
 * as {@code <id> <section>}, and writes a 5 s test clip with ffmpeg; the id {@code short} gives 2 s, {@code gone}
 * answers as YouTube does for a removed video, {@code busy} as it does when it limits an address (HTTP 429).
 */
final class YtDlpStandIn {

    private YtDlpStandIn() {}

    /** Writes the stand-in as {@code folder/yt-dlp} and returns it. */
    static Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path program = folder.resolve("yt-dlp");
        Files.writeString(program, """
                #!/usr/bin/env bash
                out="" section="" url=""
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -o) out="$2"; shift 2 ;;
                    --download-sections) section="$2"; shift 2 ;;
                    -f|--merge-output-format) shift 2 ;;
                    -*) shift ;;
                    *) url="$1"; shift ;;
                  esac
                done
                id="${url##*=}"
                echo "$id $section" >> "$(dirname "$0")/calls.txt"
                case "$id" in
                  gone) echo "ERROR: [youtube] gone: Video unavailable. This video has been removed by the uploader" >&2; exit 1 ;;
                  busy) echo "ERROR: [youtube] busy: Unable to download webpage: HTTP Error 429: Too Many Requests" >&2; exit 1 ;;
                esac
                seconds=5
                [ "$id" = short ] && seconds=2
                exec ffmpeg -nostdin -v error -y -f lavfi -i "testsrc=size=64x48:rate=25:duration=$seconds" \\
                  -f lavfi -i "sine=frequency=300:duration=$seconds:sample_rate=44100" -c:v libx264 -pix_fmt yuv420p \\
                  -c:a aac -shortest "${out%.%(ext)s}.mp4"
                """);
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return program;
    }

    /** Returns the calls the stand-in received, {@code <id> <section>} each. */
    static List<String> calls(Path program) throws IOException {
        Path calls = program.resolveSibling("calls.txt");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }
}
