package io.changelake.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one format's round does.
 *
 * @param rows rows loaded before the sync starts
 * @param changes changes streamed while the sync runs
 * @param variant the workload's table: plain, or typed (an enum and an int[] column more)
 * @param commitIntervalMs changelake's --commit-interval, also the span of the freshness pauses
 * @param heap the sync JVM's -Xmx
 * @param probes freshness probes
 * @param scanRepeats full scans per table for the reader-cost figure (0 skips it)
 * @param selfCheck corrupt one source row at the end and require the equality check to report it
 * @param timeout how long each wait for equality may take
 * @param runDir where warehouses and logs go
 */
record RoundSettings(long rows, int changes, Workload.Variant variant, long commitIntervalMs, String heap, int probes, int scanRepeats,
                     boolean selfCheck, Duration timeout, Path runDir) { }
