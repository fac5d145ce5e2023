"""DuckDB baseline for benches/eligibility.rs: the required-course and
elective verdicts on gen_exports output, 2 threads.

    python3 benches/duckdb_elig.py DIR
"""
import sys, time
import duckdb

d = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO 2")
t = time.time()
sql = f"""
WITH plans AS (SELECT * FROM read_csv('{d}/plans.csv', header=true, all_varchar=true)),
cands AS (SELECT 准考证号 AS exam_no, 专业代码 AS major FROM read_csv('{d}/candidates.csv', header=true, all_varchar=true)),
scores AS (SELECT 准考证号 AS exam_no, 课程代码 AS course, 成绩 AS score FROM read_csv('{d}/scores.csv', header=true, all_varchar=true)),
passed AS (
  SELECT DISTINCT s.exam_no, s.course
  FROM scores s JOIN cands c USING (exam_no)
  WHERE s.score IN ('合格','优秀','良好','中等','及格','免考') OR TRY_CAST(s.score AS DOUBLE) >= 60),
req AS (  -- one requirement per (major, group label or course)
  SELECT 专业代码 AS major, COALESCE(课程组, 课程代码) AS req, 课程代码 AS course
  FROM plans WHERE 类别 IN ('必考','实践','论文')),
req_n AS (SELECT major, COUNT(DISTINCT req) AS n FROM req GROUP BY major),
req_sat AS (
  SELECT p.exam_no, COUNT(DISTINCT r.req) AS n
  FROM passed p JOIN cands c USING (exam_no) JOIN req r ON r.major = c.major AND r.course = p.course
  GROUP BY p.exam_no),
elmin AS (SELECT 专业代码 AS major, MAX(TRY_CAST(选考最低学分 AS DOUBLE)) AS min_cr, MAX(TRY_CAST(选考最低门数 AS INT)) AS min_n FROM plans GROUP BY 1),
el AS (
  SELECT c.exam_no, COUNT(p.course) AS n, COALESCE(SUM(TRY_CAST(pl.学分 AS DOUBLE)), 0) AS cr
  FROM cands c JOIN plans pl ON pl.专业代码 = c.major AND pl.类别 = '选考'
  JOIN passed p ON p.exam_no = c.exam_no AND p.course = pl.课程代码
  GROUP BY c.exam_no)
SELECT c.exam_no,
       COALESCE(rs.n, 0) = rn.n AS required_ok,
       COALESCE(el.n, 0) >= COALESCE(m.min_n, 0) AND COALESCE(el.cr, 0) >= COALESCE(m.min_cr, 0) AS elective_ok
FROM cands c JOIN req_n rn ON rn.major = c.major LEFT JOIN req_sat rs USING (exam_no)
     LEFT JOIN el USING (exam_no) LEFT JOIN elmin m ON m.major = c.major
"""
rows = con.execute(f"SELECT required_ok, elective_ok, COUNT(*) FROM ({sql}) GROUP BY ALL ORDER BY ALL").fetchall()
print(f"duckdb: {time.time() - t:.2f} s", rows)
