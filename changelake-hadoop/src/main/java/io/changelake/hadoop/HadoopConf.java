package io.changelake.hadoop;

import org.apache.hadoop.conf.Configuration;

/** The Hadoop configuration changelake's Hadoop-based sinks start from. */
public final class HadoopConf {
  private HadoopConf() { }

  /** Hadoop's defaults, with {@code file:} paths served by {@link NioLocalFileSystem}. */
  public static Configuration create() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    return conf;
  }
}
