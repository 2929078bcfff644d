package io.changelake.bench;

/** The figures of one format's round; every one counts only because the digests matched. */
record FormatResult(
    String format,
    Workload.Load load,
    Rate copy,
    Rate decoding,
    double snapshotSeconds,
    double snapshotCommitSeconds,
    double snapshotCpuSeconds,
    double streamApplySeconds,
    double catchUpSeconds,
    double catchUpCommitSeconds,
    double streamCpuSeconds,
    Freshness.Result freshness,
    ProcStats process,
    int syncExitCode,
    FormatRound.Backlog backlog,
    int commits,
    long warehouseBytes,
    ScanCost.Result scanCost,
    String loadDigest,
    String streamDigest,
    String selfCheck) {

  /** Rows per second until the commit that equals the source (its digest was checked after it landed). */
  double snapshotRowsPerSecond() {
    return load.rows() / snapshotCommitSeconds;
  }

  /** Changes per second until the commit that equals the source after the stream. */
  double catchUpChangesPerSecond() {
    return decoding.count() / catchUpCommitSeconds;
  }

  /** Changes per second from the relaunch until the commit that equals the source after the backlog. */
  double backlogChangesPerSecond() {
    return decoding.count() / backlog.commitSeconds();
  }
}
