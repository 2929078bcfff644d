package io.changelake.hadoop;

import io.changelake.api.config.Config;
import io.changelake.api.config.ConfigDef;
import io.changelake.api.config.ConfigException;
import io.changelake.api.config.ConfigOption;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;

/**
 * The options of an S3 warehouse ({@code s3://bucket/path}), the same for every table format: each
 * format's catalog declares them (see {@link #declare}) and its Hadoop configuration gets them as S3A
 * settings (see {@link #apply}). The names are Iceberg's S3FileIO names where it has one.
 *
 * <p>Unset options come from the AWS environment: {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL},
 * {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}; without keys, credentials come from the AWS SDK's
 * default chain ({@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY} / {@code AWS_SESSION_TOKEN},
 * the profile {@code AWS_PROFILE} of {@code ~/.aws/credentials} or {@code AWS_SHARED_CREDENTIALS_FILE},
 * web identity, container and instance roles).
 */
public final class S3Options {
  public static final ConfigOption<String> ENDPOINT = ConfigOption.string("s3.endpoint")
      .doc("S3 endpoint URL, for S3-compatible servers (MinIO, Ceph, S3Proxy, ...), e.g. http://minio:9000."
          + " Default: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, else AWS S3.")
      .build();

  public static final ConfigOption<String> REGION = ConfigOption.string("s3.region")
      .doc("AWS region of the bucket. Default: AWS_REGION or AWS_DEFAULT_REGION, else the profile's, else"
          + " us-east-1 with a custom endpoint (AWS S3 finds the bucket's region itself).")
      .build();

  public static final ConfigOption<Boolean> PATH_STYLE_ACCESS = ConfigOption.bool("s3.path-style-access")
      .defaultValue(false)
      .doc("Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint>; most S3-compatible servers"
          + " need true.")
      .build();

  public static final ConfigOption<Boolean> BULK_DELETE = ConfigOption.bool("s3.bulk-delete")
      .defaultValue(true)
      .doc("Delete many objects with one DeleteObjects request. Set false for S3-compatible servers that refuse"
          + " that request's CRC32 checksum header (501 NotImplemented, e.g. S3Proxy): one request per object.")
      .build();

  public static final ConfigOption<String> ACCESS_KEY_ID = ConfigOption.string("s3.access-key-id")
      .secret()
      .doc("Access key id; give it with s3.secret-access-key, e.g. as @FILE or ${env:NAME}. Default: the AWS"
          + " SDK's chain (AWS_ACCESS_KEY_ID, AWS_PROFILE in ~/.aws/credentials, roles).")
      .build();

  public static final ConfigOption<String> SECRET_ACCESS_KEY = ConfigOption.string("s3.secret-access-key")
      .secret()
      .doc("Secret access key of s3.access-key-id; never printed or logged.")
      .build();

  public static final ConfigOption<String> SESSION_TOKEN = ConfigOption.string("s3.session-token")
      .secret()
      .doc("Session token of temporary credentials (with s3.access-key-id and s3.secret-access-key).")
      .build();

  static final List<ConfigOption<?>> ALL = List.of(ENDPOINT, REGION, PATH_STYLE_ACCESS, BULK_DELETE, ACCESS_KEY_ID,
      SECRET_ACCESS_KEY, SESSION_TOKEN);

  /** The URI schemes an S3 warehouse may use; all are served by S3A. */
  static final List<String> SCHEMES = List.of("s3", "s3a", "s3n");

  private static final String S3A = "org.apache.hadoop.fs.s3a.S3AFileSystem";
  private static final String DEFAULT_REGION = "us-east-1";

  private S3Options() { }

  /** Declares every S3 option in {@code definition}; returns it. */
  public static ConfigDef declare(ConfigDef definition) {
    ALL.forEach(definition::define);
    return definition;
  }

  /**
   * Sets the S3A settings of {@code config}'s S3 options in {@code conf}, unset ones from
   * {@code environment} (the process's environment variables in production).
   */
  static void apply(Config config, Configuration conf, UnaryOperator<String> environment) {
    for (String scheme : SCHEMES) {
      conf.set("fs." + scheme + ".impl", S3A);
      conf.set("fs.AbstractFileSystem." + scheme + ".impl", "org.apache.hadoop.fs.s3a.S3A");
    }
    String endpoint = firstOf(config.get(ENDPOINT), environment.apply("AWS_ENDPOINT_URL_S3"),
        environment.apply("AWS_ENDPOINT_URL"));
    String region = firstOf(config.get(REGION), environment.apply("AWS_REGION"), environment.apply("AWS_DEFAULT_REGION"));
    if (endpoint != null) {
      conf.set("fs.s3a.endpoint", endpoint);
      conf.set("fs.s3a.endpoint.region", region != null ? region : DEFAULT_REGION);
    } else if (region != null) {
      conf.set("fs.s3a.endpoint.region", region);
    }
    conf.setBoolean("fs.s3a.path.style.access", config.get(PATH_STYLE_ACCESS));
    conf.setBoolean("fs.s3a.multiobjectdelete.enable", config.get(BULK_DELETE));
    // Upload buffers on the heap, not in local files: S3A's disk buffers need Hadoop's checksummed local file
    // system, which NioLocalFileSystem replaces. A stream holds at most two 16 MB parts while they upload.
    conf.set("fs.s3a.fast.upload.buffer", "array");
    conf.set("fs.s3a.multipart.size", "16M");
    conf.setInt("fs.s3a.fast.upload.active.blocks", 2);
    String key = config.get(ACCESS_KEY_ID);
    if ((key == null) != (config.get(SECRET_ACCESS_KEY) == null)) {
      throw new ConfigException("Options '" + ACCESS_KEY_ID.name() + "' and '" + SECRET_ACCESS_KEY.name()
          + "' go together: give both, or neither to take the credentials from the AWS environment"
          + " (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE).");
    }
    if (key != null) {
      conf.set("fs.s3a.access.key", key);
      conf.set("fs.s3a.secret.key", config.get(SECRET_ACCESS_KEY));
      String token = config.get(SESSION_TOKEN);
      if (token != null) {
        conf.set("fs.s3a.session.token", token);
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider");
      } else {
        conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      }
    } else {
      conf.set("fs.s3a.aws.credentials.provider", "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider");
    }
  }

  private static String firstOf(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
