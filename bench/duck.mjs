// duck.mjs: run one SQL query in DuckDB (through @duckdb/node-api) for bench/run.py.
// Usage: node bench/duck.mjs THREADS 'SQL'
// Prints one JSON line: {"ms": time of the query in the process, "rows": rows it returned}.
import { DuckDBInstance } from '@duckdb/node-api';

const [threads, sql] = process.argv.slice(2);
const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await inst.connect();
const t0 = process.hrtime.bigint();
const reader = await conn.runAndReadAll(sql);
const rows = reader.getRows().length;
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ ms, rows }));
