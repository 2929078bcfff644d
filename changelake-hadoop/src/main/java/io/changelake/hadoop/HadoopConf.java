package io.changelake.hadoop;

import io.changelake.api.config.Config;
import java.net.URI;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/** The Hadoop configuration changelake's sinks start from. */
public final class HadoopConf {
  private HadoopConf() { }

  /** Hadoop's defaults, with {@code file:} paths served by {@link NioLocalFileSystem}. */
  public static Configuration create() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    return conf;
  }

  /**
   * {@link #create()} plus the {@link S3Options} of {@code options} (a catalog configuration that
   * declares them).
   *
   * @throws io.changelake.api.config.ConfigException when the S3 options contradict each other
   */
  public static Configuration create(Config options) {
    Configuration conf = create();
    S3Options.apply(options, conf, System::getenv);
    return conf;
  }

  /**
   * When {@code warehouse} is an S3 location, checks its bucket can be reached with {@code conf}.
   * Call it once the configuration is complete: Hadoop keeps the file system it opens per bucket.
   *
   * @throws io.changelake.api.spi.SinkException naming the bucket and the fix when it cannot be reached
   */
  public static void requireReachable(String warehouse, Configuration conf) {
    if (isS3(warehouse)) {
      ObjectStoreCheck.requireReachable(warehouse, conf);
    }
  }

  /** {@link #create(Config)}, then {@link #requireReachable}. */
  public static Configuration forWarehouse(String warehouse, Config options) {
    Configuration conf = create(options);
    requireReachable(warehouse, conf);
    return conf;
  }

  /** Whether {@code location} is an S3 URI ({@code s3://}, {@code s3a://}, {@code s3n://}). */
  public static boolean isS3(String location) {
    if (location == null || !location.contains("://")) {
      return false;
    }
    String scheme = URI.create(location).getScheme();
    return scheme != null && S3Options.SCHEMES.contains(scheme.toLowerCase(Locale.ROOT));
  }
}
