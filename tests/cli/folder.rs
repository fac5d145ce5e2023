//! `zikao photo check DIR --candidates LIST` on a generated folder, and the
//! roster's 照片 column (`roster graduates --photos`). Each case asserts its
//! exact folder codes (photo.missing, photo.unlisted, photo.name_duplicate,
//! photo.same_picture, photo.name_invalid).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn zikao() -> Command {
    let mut c = Command::cargo_bin("zikao").unwrap();
    c.env_remove("ZIKAO_LANG");
    c
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
}

const FOLDER_CODES: &[&str] = &[
    "photo.missing",
    "photo.unlisted",
    "photo.name_duplicate",
    "photo.same_picture",
    "photo.name_invalid",
];

/// A valid GB 11643 number from its first 17 digits.
fn with_check(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let s: u32 = first17
        .bytes()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(s % 11) as usize] as char)
}

fn upgrade15(s: &str) -> String {
    with_check(&format!("{}19{}", &s[..6], &s[6..]))
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
        .collect()
}

/// A picture of its own for each seed: a background and coloured shapes.
fn synthetic(seed: u64) -> image::RgbImage {
    let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let bg = [next() as u8, next() as u8, next() as u8];
    let shapes: Vec<(i64, i64, i64, i64, [u8; 3])> = (0..6)
        .map(|_| {
            (
                (next() % 480) as i64,
                (next() % 640) as i64,
                40 + (next() % 160) as i64,
                40 + (next() % 200) as i64,
                [next() as u8, next() as u8, next() as u8],
            )
        })
        .collect();
    image::RgbImage::from_fn(480, 640, |x, y| {
        let (x, y) = (x as i64, y as i64);
        for &(cx, cy, rx, ry, c) in shapes.iter().rev() {
            let (dx, dy) = (x - cx, y - cy);
            if dx * dx * ry * ry + dy * dy * rx * rx <= rx * rx * ry * ry {
                return image::Rgb(c);
            }
        }
        image::Rgb(bg)
    })
}

fn jpeg(img: &image::RgbImage, q: u8) -> Vec<u8> {
    let mut v = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut v, q);
    enc.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(300));
    enc.encode_image(img).unwrap();
    v
}

struct Case {
    exam: String,
    name: String,
    /// as written in the list
    id: String,
}

/// The generated folder and list; returns the candidates.
fn build(dir: &Path) -> (PathBuf, PathBuf, Vec<Case>) {
    let photos = dir.join("照片");
    std::fs::create_dir_all(photos.join("第二批")).unwrap();
    std::fs::create_dir_all(photos.join("__MACOSX/照片")).unwrap();
    let mut cases = Vec::new();
    for i in 1..=20u32 {
        let exam = format!("0101201000{i:02}");
        let id = match i {
            // the list has the old 15-digit number
            3 => format!("440106{:02}0101{:03}", 80 + i, 100 + i),
            // a check character X
            4 => (0..1000)
                .map(|k| with_check(&format!("44010619900101{k:03}")))
                .find(|s| s.ends_with('X'))
                .unwrap(),
            _ => with_check(&format!(
                "4401061990{:02}{:02}{:03}",
                1 + i % 12,
                1 + i,
                100 + i
            )),
        };
        cases.push(Case {
            exam,
            name: format!("考生{i:02}"),
            id,
        });
    }
    let mut csv = String::from("准考证号,姓名,证件号码,专业代码,专业名称,主考学校,层次\n");
    for c in &cases {
        csv.push_str(&format!(
            "{},{},{},C050207,汉语言文学,中山大学,本科\n",
            c.exam, c.name, c.id
        ));
    }
    let list = dir.join("考生名单.csv");
    std::fs::write(&list, csv).unwrap();

    let put = |name: &str, bytes: &[u8]| std::fs::write(photos.join(name), bytes).unwrap();
    let copy = |src: &str, name: &str| put(name, &std::fs::read(fixture(src)).unwrap());
    let c = |i: usize| &cases[i - 1];
    // 1: by ID, a compliant photo (astronaut, white background)
    copy("astronaut_ok_white.jpg", &format!("{}.jpg", c(1).id));
    // 2: by admission number, another photo of the same person: not the same picture
    copy("astronaut_big_face.jpg", &format!("{}.jpg", c(2).exam));
    // 3: the list's 15-digit ID, the file's 18-digit form
    put(
        &format!("{}.jpg", upgrade15(&c(3).id)),
        &jpeg(&synthetic(3), 90),
    );
    // 4: lower-case x
    put(
        &format!("{}.jpg", c(4).id.to_lowercase()),
        &jpeg(&synthetic(4), 90),
    );
    // 5: full-width digits and spaces
    put(
        &format!(" {} .jpg", full_width(&c(5).exam)),
        &jpeg(&synthetic(5), 90),
    );
    // 6: missing
    // 7: .jpg + .JPG duplicates
    put(&format!("{}.jpg", c(7).exam), &jpeg(&synthetic(7), 90));
    put(&format!("{}.JPG", c(7).exam), &jpeg(&synthetic(7), 85));
    // 8 and 9: the same picture, re-encoded at quality 70 under another candidate's name
    copy("grace_hopper_ok_blue.jpg", &format!("{}.jpg", c(8).id));
    let gh = image::open(fixture("grace_hopper_ok_blue.jpg"))
        .unwrap()
        .to_rgb8();
    put(&format!("{}.jpg", c(9).exam), &jpeg(&gh, 70));
    // 10: a wrong check digit (candidate 10 has then no photo)
    let mut bad = c(10).id.clone().into_bytes();
    bad[17] = if bad[17] == b'3' { b'4' } else { b'3' };
    put(
        &format!("{}.jpg", String::from_utf8(bad).unwrap()),
        &jpeg(&synthetic(10), 90),
    );
    // 11: in a subfolder
    put(
        &format!("第二批/{}.jpg", c(11).id),
        &jpeg(&synthetic(11), 90),
    );
    // 12: another person on the same white background as 1
    copy("grace_hopper_ok_white.jpg", &format!("{}.jpg", c(12).id));
    // 13-20: pictures of their own, by ID and by admission number
    for i in 13..=20 {
        let stem = if i % 2 == 0 { &c(i).id } else { &c(i).exam };
        put(&format!("{stem}.jpg"), &jpeg(&synthetic(i as u64), 90));
    }
    // an unlisted file, Excel damage, junk
    put("陌生人.jpg", &jpeg(&synthetic(99), 90));
    put("4.40106E+17.jpg", &jpeg(&synthetic(98), 90));
    put(
        &format!("__MACOSX/照片/._{}.jpg", c(1).id),
        b"\x00\x05\x16\x07 resource fork",
    );
    put(".DS_Store", b"\x00\x00\x00\x01Bud1");
    put("Thumbs.db", b"\xd0\xcf\x11\xe0");
    put("desktop.ini", b"[.ShellClassInfo]");
    put("说明.txt", "照片说明".as_bytes());
    (photos, list, cases)
}

fn folder_codes(r: &Value) -> BTreeSet<String> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .filter(|c| FOLDER_CODES.contains(&c.as_str()))
        .collect()
}

fn set(c: &[&str]) -> BTreeSet<String> {
    c.iter().map(|s| s.to_string()).collect()
}

#[test]
fn folder_against_candidates() {
    let d = tempfile::tempdir().unwrap();
    let (photos, list, cases) = build(d.path());
    let report = d.path().join("photos.json");
    zikao()
        .args(["photo", "check", "--format", "json", "-q", "-o"])
        .arg(&report)
        .arg(&photos)
        .arg("--candidates")
        .arg(&list)
        .assert()
        .code(1);
    let v: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["command"], "photo check");
    let results = v["results"].as_array().unwrap();
    let by_exam = |e: &str| {
        results
            .iter()
            .find(|r| r["exam_no"] == e)
            .unwrap_or_else(|| panic!("no result for {e}"))
    };
    let expected: &[(usize, &[&str])] = &[
        (1, &[]),
        (2, &[]),
        (3, &[]),
        (4, &[]),
        (5, &[]),
        (6, &["photo.missing"]),
        (7, &["photo.name_duplicate"]),
        (8, &["photo.same_picture"]),
        (9, &["photo.same_picture"]),
        (10, &["photo.missing"]),
        (11, &[]),
        (12, &[]),
        (13, &[]),
        (14, &[]),
        (15, &[]),
        (16, &[]),
        (17, &[]),
        (18, &[]),
        (19, &[]),
        (20, &[]),
    ];
    for (i, codes) in expected {
        let r = by_exam(&cases[i - 1].exam);
        assert_eq!(folder_codes(r), set(codes), "candidate {i}: {r:#}");
        assert_eq!(r["name"], cases[i - 1].name.as_str());
        // masked as on rosters
        let id = r["id_no"].as_str().unwrap();
        assert!(
            id.contains("*****") && id.len() < cases[i - 1].id.len() + 1,
            "{id}"
        );
    }
    // the compliant fixture passes as a whole
    assert_eq!(by_exam(&cases[0].exam)["verdict"], "pass");
    assert!(by_exam(&cases[5].exam)["path"].is_null());
    assert!(by_exam(&cases[10].exam)["path"]
        .as_str()
        .unwrap()
        .contains("第二批"));
    // same picture: each names the other
    let eight = by_exam(&cases[7].exam);
    let f = eight["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "photo.same_picture")
        .unwrap();
    assert!(f["message"].as_str().unwrap().contains(&cases[8].exam));
    // duplicates: both paths listed
    let seven = by_exam(&cases[6].exam);
    let dup = &seven["findings"][0];
    assert_eq!(dup["code"], "photo.name_duplicate");
    assert_eq!(dup["measured"].as_array().unwrap().len(), 2);

    // files that are no one's
    let others: Vec<&Value> = results.iter().filter(|r| r["exam_no"].is_null()).collect();
    let by_file = |name: &str| {
        others
            .iter()
            .find(|r| r["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no result for {name}"))
    };
    assert_eq!(
        folder_codes(by_file("陌生人.jpg")),
        set(&["photo.unlisted"])
    );
    assert_eq!(
        folder_codes(by_file("4.40106E+17.jpg")),
        set(&["photo.name_invalid"])
    );
    let invalid: Vec<&&Value> = others
        .iter()
        .filter(|r| folder_codes(r).contains("photo.name_invalid"))
        .collect();
    assert_eq!(invalid.len(), 2);
    // the wrong check digit names its probable candidate
    let wrong = invalid
        .iter()
        .find(|r| !r["path"].as_str().unwrap().contains("E+17"))
        .unwrap();
    assert_eq!(
        wrong["findings"][0]["expected"]["candidate"],
        cases[9].exam.as_str()
    );
    assert_eq!(others.len(), 3, "{others:#?}");
    // junk is never a photo: listed as skipped
    for r in results {
        let p = r["path"].as_str().unwrap_or("");
        assert!(
            !p.contains("__MACOSX") && !p.ends_with(".txt") && !p.ends_with("Thumbs.db"),
            "{p}"
        );
    }
    let skipped: Vec<String> = v["input_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["code"].as_str().unwrap(),
                p["file"].as_str().unwrap()
            )
        })
        .collect();
    for (code, name) in [
        ("photo.skipped", "__MACOSX"),
        ("photo.skipped", ".DS_Store"),
        ("photo.skipped", "Thumbs.db"),
        ("photo.skipped", "desktop.ini"),
        ("photo.format", "说明.txt"),
    ] {
        assert!(
            skipped
                .iter()
                .any(|s| s.starts_with(code) && s.ends_with(name)),
            "{code} {name}: {skipped:?}"
        );
    }
    assert_eq!(skipped.len(), 5, "{skipped:?}");
    assert_eq!(v["summary"]["candidates"]["total"], 20);
    assert_eq!(v["summary"]["candidates"]["none"], 2);
    assert_eq!(v["summary"]["files"]["unlisted"], 1);
    assert_eq!(v["summary"]["files"]["name_invalid"], 2);

    // --name-by exam: the files named by ID are now unlisted (or invalid)
    let out = zikao()
        .args([
            "photo",
            "check",
            "--format",
            "json",
            "-q",
            "--name-by",
            "exam",
        ])
        .arg(&photos)
        .arg("--candidates")
        .arg(&list)
        .assert()
        .code(1);
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let r = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["exam_no"] == cases[0].exam.as_str())
        .unwrap();
    assert_eq!(folder_codes(r), set(&["photo.missing"]));

    roster_photo_column(d.path(), &list, &report, &cases);
}

/// `roster graduates --photos`: the 照片 column and the count.
fn roster_photo_column(dir: &Path, list: &Path, report: &Path, cases: &[Case]) {
    let elig: Vec<Value> = cases
        .iter()
        .map(|c| serde_json::json!({"exam_no": c.exam, "major_code": "C050207", "verdict": "eligible"}))
        .collect();
    let elig_path = dir.join("elig.json");
    std::fs::write(
        &elig_path,
        serde_json::json!({"command": "eligibility", "summary": {}, "results": elig}).to_string(),
    )
    .unwrap();
    let out = zikao()
        .args(["roster", "graduates", "--format", "json", "--candidates"])
        .arg(list)
        .arg("--eligibility")
        .arg(&elig_path)
        .arg("--photos")
        .arg(report)
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows = v["results"].as_array().unwrap();
    let photo = |i: usize| {
        rows.iter()
            .find(|r| r["exam_no"] == cases[i - 1].exam.as_str())
            .unwrap()["photo"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(photo(1), "合格");
    assert_eq!(photo(6), "缺失");
    assert_eq!(photo(10), "缺失");
    assert!(photo(8).starts_with("不合格") && photo(8).contains("photo.same_picture"));
    let compliant = rows.iter().filter(|r| r["photo"] == "合格").count();
    assert_eq!(
        v["summary"]["without_compliant_photo"].as_u64().unwrap() as usize,
        20 - compliant
    );
    // the table shows the column too
    zikao()
        .args(["roster", "graduates", "--candidates"])
        .arg(list)
        .arg("--eligibility")
        .arg(&elig_path)
        .arg("--photos")
        .arg(report)
        .assert()
        .success()
        .stdout(predicates::str::contains("照片").and(predicates::str::contains("缺失")));
    // --photos must be a photo check report
    zikao()
        .args(["roster", "graduates", "--candidates"])
        .arg(list)
        .arg("--eligibility")
        .arg(&elig_path)
        .arg("--photos")
        .arg(&elig_path)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("elig.json"));
}

use predicates::prelude::PredicateBooleanExt;
