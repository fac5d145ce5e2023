//! Writes realistic exports for benchmarking `zikao eligibility`:
//! plans.csv, candidates.csv, scores.csv (~25 rows per candidate, most of
//! them for courses outside the candidate's plan, repeated attempts,
//! exemptions, transfers, practicals), violations.csv, graduates.csv,
//! certificates.csv.
//!
//! cargo run --release --example gen_exports -- --candidates 200000 --out DIR [--seed N]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

struct Major {
    code: String,
    name: String,
    bachelor: bool,
    school: &'static str,
    required: Vec<u32>,
    group: [u32; 2],
    practice: u32,
    electives: Vec<u32>,
    additional: Vec<u32>,
}

const SCHOOLS: [&str; 6] = ["10558", "10561", "10574", "10559", "10564", "10590"];
const NAMES: [&str; 12] = ["会计", "工商管理", "汉语言文学", "计算机应用技术", "人力资源管理", "药学", "护理学", "法学", "行政管理", "市场营销", "食品营养与卫生", "电气自动化技术"];
const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳"];

fn id_number(rng: &mut Rng) -> String {
    let region = ["440106", "440304", "340104", "110105", "440524"][rng.below(5) as usize];
    let y = 1970 + rng.below(35);
    let m = 1 + rng.below(12);
    let d = 1 + rng.below(28);
    let seq = rng.below(1000);
    let first17 = format!("{region}{y:04}{m:02}{d:02}{seq:03}");
    let c = zikao::idno::check_char(first17.as_bytes());
    format!("{first17}{c}")
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let mut n: u64 = 10_000;
    let mut out = PathBuf::from("exports");
    let mut seed: u64 = 20220615;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--candidates" => n = args[i + 1].parse().expect("--candidates N"),
            "--out" => out = PathBuf::from(&args[i + 1]),
            "--seed" => seed = args[i + 1].parse().expect("--seed N"),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    std::fs::create_dir_all(&out)?;
    let mut rng = Rng(seed | 1);
    // a pool of 900 course codes; 60 majors, each drawing ~20 courses
    let pool: Vec<u32> = (1..=900).map(|k| k * 7 % 9000 + 10).collect();
    let mut majors = Vec::new();
    for k in 0..60u32 {
        let bachelor = k % 2 == 1;
        let mut take = |rng: &mut Rng, cnt: usize, used: &mut Vec<u32>| -> Vec<u32> {
            let mut v = Vec::new();
            while v.len() < cnt {
                let c = pool[rng.below(pool.len() as u64) as usize];
                if !used.contains(&c) {
                    used.push(c);
                    v.push(c);
                }
            }
            v
        };
        let mut used = Vec::new();
        let required = take(&mut rng, 10, &mut used);
        let g = take(&mut rng, 2, &mut used);
        let practice = take(&mut rng, 1, &mut used)[0];
        let electives = take(&mut rng, 6, &mut used);
        let additional = if bachelor { take(&mut rng, 3, &mut used) } else { Vec::new() };
        majors.push(Major {
            code: format!("{}{:05}", if bachelor { "B" } else { "A" }, 20000 + k * 37),
            name: format!("{}{}", NAMES[k as usize % NAMES.len()], if k >= 12 { format!("({k})") } else { String::new() }),
            bachelor,
            school: SCHOOLS[k as usize % SCHOOLS.len()],
            required,
            group: [g[0], g[1]],
            practice,
            electives,
            additional,
        });
    }
    let mut w = BufWriter::new(File::create(out.join("plans.csv"))?);
    writeln!(w, "专业代码,专业名称,层次,主考学校,课程代码,课程名称,学分,类别,课程组,加考类型,选考最低学分,选考最低门数,最低总学分")?;
    for m in &majors {
        let lvl = if m.bachelor { "本科" } else { "专科" };
        let head = format!("{},{},{},{}", m.code, m.name, lvl, m.school);
        for (j, c) in m.required.iter().enumerate() {
            let extra = if j == 0 { ",,,12,3,60" } else { ",,,,," };
            writeln!(w, "{head},{c:05},课程{c},5,必考{extra}")?;
        }
        writeln!(w, "{head},{:05},英语,7,必考,外语,,,,", m.group[0])?;
        writeln!(w, "{head},{:05},日语,7,必考,外语,,,,", m.group[1])?;
        writeln!(w, "{head},{:05},实践{},4,实践,,,,,", m.practice, m.practice)?;
        for c in &m.electives {
            writeln!(w, "{head},{c:05},课程{c},4,选考,,,,,")?;
        }
        for c in &m.additional {
            writeln!(w, "{head},{c:05},课程{c},4,加考,,非相关专业,,,")?;
        }
    }
    w.flush()?;
    let mut wc = BufWriter::new(File::create(out.join("candidates.csv"))?);
    writeln!(wc, "准考证号,姓名,证件号码,性别,专业代码,专业名称,层次,主考学校,加考类型,思想品德鉴定,办理地点,联系电话")?;
    let mut ws = BufWriter::with_capacity(1 << 20, File::create(out.join("scores.csv"))?);
    writeln!(ws, "准考证号,课程代码,课程名称,成绩,考试年月,成绩类型,专业代码,主考学校,审核日期,归档,替代课程代码")?;
    let mut wv = BufWriter::new(File::create(out.join("violations.csv"))?);
    writeln!(wv, "准考证号,违规日期,推迟毕业年限,处理结果")?;
    let mut wg = BufWriter::new(File::create(out.join("graduates.csv"))?);
    writeln!(wg, "准考证号,证件号码,专业代码,毕业年月")?;
    let mut rows = 0u64;
    for k in 0..n {
        let m = &majors[rng.below(majors.len() as u64) as usize];
        let exam_no = format!("{:02}{:010}", 1 + k % 21, 100_000_000 + k);
        let name = format!("{}{}{}", SURNAMES[rng.below(10) as usize], GIVEN[rng.below(10) as usize], GIVEN[rng.below(10) as usize]);
        let add = if m.bachelor && rng.chance(30) { "非相关专业" } else { "" };
        let conduct = if rng.chance(97) { "合格" } else if rng.chance(50) { "" } else { "不合格" };
        let id = id_number(&mut rng);
        writeln!(wc, "{exam_no},{name},{id},{},{},{},{},{},{},{},广州市天河区,1380013{:04}", if k % 2 == 0 { "男" } else { "女" }, m.code, m.name, if m.bachelor { "本科" } else { "专科" }, m.school, add, conduct, k % 10000)?;
        let good = rng.chance(70);
        let mut plan_courses: Vec<(u32, &str)> = m.required.iter().map(|c| (*c, "")).collect();
        plan_courses.push((m.group[rng.below(2) as usize], ""));
        plan_courses.push((m.practice, "实践"));
        for c in m.electives.iter().take(3 + rng.below(3) as usize) {
            plan_courses.push((*c, ""));
        }
        if !add.is_empty() {
            plan_courses.extend(m.additional.iter().map(|c| (*c, "")));
        }
        let mut count = 0;
        for (c, kind) in &plan_courses {
            let tries = 1 + rng.below(2);
            for t in 0..tries {
                let pass = t + 1 == tries && (good || rng.chance(85));
                let score = if pass { 60 + rng.below(41) } else { 20 + rng.below(40) };
                let y = 2017 + rng.below(5);
                let mo = if rng.chance(50) { 4 } else { 10 };
                if *kind == "实践" {
                    writeln!(ws, "{exam_no},{c:05},实践{c},{},{y}{mo:02},实践,{},{},,,", if pass { "合格" } else { "不合格" }, m.code, m.school)?;
                } else if pass && rng.chance(3) {
                    writeln!(ws, "{exam_no},{c:05},课程{c},免考,{y}{mo:02},免考,,,2022-0{}-15,,", 2 + rng.below(4))?;
                } else if pass && rng.chance(2) {
                    writeln!(ws, "{exam_no},{c:05},课程{c},{score},{y}{mo:02},转入,,,{}-03-01,,", 2012 + rng.below(8))?;
                } else {
                    writeln!(ws, "{exam_no},{c:05},课程{c},{score},{y}{mo:02},笔试,,,,,")?;
                }
                count += 1;
            }
        }
        // courses outside the plan (an earlier major, other interests)
        let target = 22 + rng.below(7);
        while count < target {
            let c = pool[rng.below(pool.len() as u64) as usize];
            let score = 30 + rng.below(70);
            writeln!(ws, "{exam_no},{c:05},课程{c},{score},{}{:02},,,,,,", 2015 + rng.below(7), if rng.chance(50) { 4 } else { 10 })?;
            count += 1;
        }
        rows += count;
        if rng.chance(1) {
            writeln!(wv, "{exam_no},20{}-04-1{},{},取消当次成绩", 18 + rng.below(4), rng.below(9), 1 + rng.below(3))?;
        }
        if rng.chance(1) {
            writeln!(wg, "{exam_no},{id},{},20{}-06", if rng.chance(50) { m.code.clone() } else { "A99999".into() }, 15 + rng.below(6))?;
        }
    }
    wc.flush()?;
    ws.flush()?;
    wv.flush()?;
    wg.flush()?;
    eprintln!("{n} candidates, {rows} score rows, {} majors -> {}", majors.len(), out.display());
    Ok(())
}
