package io.changelake.bench;

/** The figures of one format's round; every one counts only because the digests matched. */
record FormatResult(
    String format,
    Workload.Load load,
    PostgresLimits.Rate copy,
    PostgresLimits.Rate decoding,
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
    int commits,
    long warehouseBytes,
    ScanCost.Result scanCost,
    String loadDigest,
    String streamDigest,
    String selfCheck) {

  double snapshotRowsPerSecond() {
    return load.rows() / snapshotSeconds;
  }

  double catchUpChangesPerSecond() {
    return decoding.count() / catchUpSeconds;
  }
}
