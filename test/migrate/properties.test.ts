import { describe, expect, it } from "vitest";
import { interpolate, javaBoolean, javaInteger, layered, parseJavaOpts, parseProperties } from "../../src/migrate/properties.js";

const values = (text: string, key: string) => parseProperties(text).get(key)?.values;

describe("parseProperties (Commons Configuration 1.10 syntax)", () => {
  it("takes =, : and white space as separators, with blanks around them", () => {
    const map = parseProperties("a=1\nb : 2\nc 3\n  d\t=\t4\ne=\n");
    expect([...map].map(([k, v]) => [k, v.values])).toEqual([["a", ["1"]], ["b", ["2"]], ["c", ["3"]], ["d", ["4"]], ["e", [""]]]);
  });

  it("skips # and ! comments and blank lines, and records the line a key starts on", () => {
    const map = parseProperties("# comment\n! also\n\n   \nkey=value\n");
    expect([...map.keys()]).toEqual(["key"]);
    expect(map.get("key")?.line).toBe(5);
  });

  it("joins continuation lines, dropping the next line's leading blanks, but not after an escaped backslash", () => {
    expect(values("a=one \\\n    two\nb=x", "a")).toEqual(["one two"]);
    expect(values("a=c:\\\\\nb=x", "a")).toEqual(["c:\\"]);
    expect(values("a=c:\\\\\nb=x", "b")).toEqual(["x"]);
  });

  it("unescapes Java escapes, in keys too", () => {
    expect(values("a=tab\\there \\u00e9t\\u00E9 back\\\\slash \\q", "a")).toEqual(["tab\there été back\\slash q"]);
    expect(values("my\\ key\\=x=v", "my key=x")).toEqual(["v"]);
  });

  it("splits values into a list at unescaped commas (trimmed), as the original's configuration did; \\, is a comma", () => {
    expect(values("t=orange=false, pear=maybe", "t")).toEqual(["orange=false", "pear=maybe"]);
    expect(values("t=a\\,b,c", "t")).toEqual(["a,b", "c"]);
  });

  it("keeps every value of a repeated key, in order (getString then sees the first)", () => {
    expect(values("k=1\nk=2", "k")).toEqual(["1", "2"]);
  });

  it("handles CRLF files and a byte-order mark", () => {
    expect(values("\uFEFFa=1\r\nb=2\r\n", "a")).toEqual(["1"]);
    expect(values("\uFEFFa=1\r\nb=2\r\n", "b")).toEqual(["2"]);
  });
});

describe("RDS_ECHO_OPTS", () => {
  it("takes the -Dkey=value words, ignores JVM options, and keeps quotes as characters (the launcher expands it unquoted)", () => {
    const opts = parseJavaOpts("  -Xmx512m -Drdsecho.name=dev\n -Drdsecho.interactive -Dx='a b' -D");
    expect(opts.get("rdsecho.name")).toEqual({ values: ["dev"], source: "opts" });
    expect(opts.get("rdsecho.interactive")?.values).toEqual([""]);
    expect(opts.get("x")?.values).toEqual(["'a"]);
    expect(opts.size).toBe(3);
  });

  it("wins over the file", () => {
    const merged = layered(parseJavaOpts("-Drdsecho.region=eu-west-1"), parseProperties("rdsecho.region=us-east-1\nrdsecho.name=dev"));
    expect(merged.get("rdsecho.region")).toEqual({ values: ["eu-west-1"], source: "opts" });
    expect(merged.get("rdsecho.name")?.source).toBe("file");
  });
});

describe("values", () => {
  it("interpolates ${key} and ${env:NAME}, leaving unknown references and cycles as written", () => {
    const map = parseProperties("env=dev\nname=${env}-db\nloop=${loop}");
    expect(interpolate("${name}", map, {})).toBe("dev-db");
    expect(interpolate("${nosuch} ${env:HOME_X}", map, { HOME_X: "/h" })).toBe("${nosuch} /h");
    expect(interpolate("${loop}", map, {})).toBe("${loop}");
  });

  it("reads booleans and integers as Commons Configuration converts them", () => {
    expect(["true", "YES", "on", "y", "T"].map(javaBoolean)).toEqual([true, true, true, true, true]);
    expect(["false", "no", "OFF", "n", "f"].map(javaBoolean)).toEqual([false, false, false, false, false]);
    expect(javaBoolean("maybe")).toBeUndefined();
    expect([javaInteger("300"), javaInteger(" -1 "), javaInteger("0x10"), javaInteger("3.5"), javaInteger("99999999999")]).toEqual([300, -1, 16, undefined, undefined]);
  });
});
