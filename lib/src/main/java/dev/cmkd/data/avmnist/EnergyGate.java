package dev.cmkd.data.avmnist;

import java.util.ArrayList;
import java.util.List;

/**
 * The energy gate that cuts synthesised speech into words (data.md, section 3.2), on 16 kHz samples:
 *
 * <ul>
 *   <li>frames of 10 ms (160 samples; the last frame may be shorter); envelope {@code e[f] = max |x|} over
 *       frame {@code f}; frame {@code f} is active iff {@code e[f] > 0.02 * max_f e[f]};
 *   <li>consecutive active frames form one segment; more than 25 inactive frames (0.25 s) between two
 *       active frames start a new segment;
 *   <li>each segment spans its first to its last active frame, widened by 30 ms (480 samples) on both
 *       sides and clamped to the signal.
 * </ul>
 *
 * {@link #segments} gives all segments (the batched espeak-ng rendition must give exactly ten); {@link
 * #span} keeps the first to the last active frame with the same margins, or the whole signal if nothing
 * is active (single words). The constants are those of data.md's reference build.
 */
public final class EnergyGate {

    /** Frame length: 10 ms at 16 kHz. */
    public static final int FRAME = 160;
    /** A frame is active if its envelope exceeds this fraction of the largest envelope. */
    public static final double THRESHOLD = 0.02;
    /** More inactive frames than this between two active frames start a new segment (0.25 s). */
    public static final int MAX_GAP_FRAMES = 25;
    /** Margin added on both sides of a segment: 30 ms at 16 kHz. */
    public static final int MARGIN = 480;

    private EnergyGate() {}

    /**
     * A half-open range of samples {@code [start, end)}.
     *
     * @param start first sample
     * @param end one past the last sample
     */
    public record Segment(int start, int end) {}

    /** Returns the segments of {@code samples}, in time order (empty if nothing is active). */
    public static List<Segment> segments(short[] samples) {
        boolean[] active = activeFrames(samples);
        List<Segment> segments = new ArrayList<>();
        int first = -1;
        int last = -1;
        for (int f = 0; f < active.length; f++) {
            if (!active[f]) {
                continue;
            }
            if (first >= 0 && f - last - 1 > MAX_GAP_FRAMES) {
                segments.add(cut(first, last, samples.length));
                first = -1;
            }
            if (first < 0) {
                first = f;
            }
            last = f;
        }
        if (first >= 0) {
            segments.add(cut(first, last, samples.length));
        }
        return segments;
    }

    /** Returns the span from the first to the last active frame with margins, or the whole signal if none is active. */
    public static Segment span(short[] samples) {
        List<Segment> segments = segments(samples);
        return segments.isEmpty() ? new Segment(0, samples.length)
                : new Segment(segments.get(0).start(), segments.get(segments.size() - 1).end());
    }

    private static boolean[] activeFrames(short[] samples) {
        int frames = (samples.length + FRAME - 1) / FRAME;
        int[] envelope = new int[frames];
        int largest = 0;
        for (int f = 0; f < frames; f++) {
            int end = Math.min(samples.length, (f + 1) * FRAME);
            int peak = 0;
            for (int i = f * FRAME; i < end; i++) {
                peak = Math.max(peak, Math.abs(samples[i]));
            }
            envelope[f] = peak;
            largest = Math.max(largest, peak);
        }
        boolean[] active = new boolean[frames];
        double threshold = THRESHOLD * largest;
        for (int f = 0; f < frames; f++) {
            active[f] = largest > 0 && envelope[f] > threshold;
        }
        return active;
    }

    private static Segment cut(int firstFrame, int lastFrame, int length) {
        int start = Math.max(0, firstFrame * FRAME - MARGIN);
        int end = Math.min(length, (lastFrame + 1) * FRAME + MARGIN);
        return new Segment(start, end);
    }
}
