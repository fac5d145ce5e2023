use super::*;

fn listed(exam: &str, name: &str, id: &str) -> Listed {
    Listed {
        exam_no: exam.into(),
        name: name.into(),
        id_no: crate::idno::normalize(id),
        row: 0,
    }
}

fn file(path: &str, ok: bool) -> Item {
    let mut it = Item::new(if ok { "pass" } else { "fail" }, ok).key("path", path);
    if !ok {
        it.findings.push(Finding::error(
            "photo.file_size",
            crate::photo::PhotoMsg::Empty,
        ));
    }
    it
}

fn sig(face: u64, frame: u64) -> Option<Signature> {
    Some(Signature {
        face,
        face_found: true,
        frame,
        colour: [128; 48],
    })
}

fn codes(r: &Report, key: &str, value: &str) -> Vec<&'static str> {
    let it = r
        .results
        .iter()
        .find(|i| i.get(key).and_then(Value::as_str) == Some(value))
        .unwrap_or_else(|| panic!("no result with {key} = {value}"));
    it.codes().collect()
}

/// valid IDs (GB 11643 check characters computed)
fn id(first17: &str) -> String {
    let c = crate::idno::check_char(first17.as_bytes());
    format!("{first17}{c}")
}

#[test]
fn matching_and_codes() {
    let id_a = id("44010619900101001");
    let id_x = {
        // find a first-17 whose check character is X
        (0..100)
            .map(|n| format!("440106199001{n:03}10"))
            .map(|s| id(&s[..17]))
            .find(|s| s.ends_with('X'))
            .unwrap()
    };
    let old15 = "440106800203123";
    let list = vec![
        listed("010120100001", "甲", &id_a),
        listed("010120100002", "乙", &id_x),
        listed("010120100003", "丙", old15),
        listed("010120100004", "丁", &id("44010619920304002")),
        listed("010120100005", "戊", &id("44010619930405003")),
        listed("010120100006", "己", &id("44010619940506004")),
        listed("010120100007", "庚", &id("44010619950607005")),
    ];
    let id_g = id("44010619950607005");
    let mut bad = id_g.clone().into_bytes();
    bad[17] = if bad[17] == b'9' { b'8' } else { b'9' };
    let bad = String::from_utf8(bad).unwrap();
    let up15 = crate::idno::upgrade15(old15).unwrap();
    let files = vec![
        file(&format!("d/{}.jpg", id_a), true),
        // lower-case x
        file(&format!("d/{}.jpg", id_x.to_lowercase()), true),
        // the list has 15 digits, the file 18
        file(&format!("d/sub/{up15}.JPG"), true),
        // full-width admission number, spaces
        file("d/ ０１０１２０１００００４ .jpg", false),
        // .jpg + .JPG duplicates of 5
        file("d/010120100005.JPG", true),
        file("d/010120100005.jpg", true),
        // unlisted
        file("d/somebody.jpg", true),
        // wrong check digit of 7 (who then has no photo)
        file(&format!("d/{bad}.jpg"), true),
        // Excel damage: no single candidate (all start 440106)
        file("d/4.40106E+17.jpg", true),
    ];
    let n = files.len();
    let mut checked = Report::new("photo check");
    checked.results = files;
    let r = match_folder(
        checked,
        vec![None; n],
        &list,
        vec![],
        &FolderOptions::default(),
    );
    assert_eq!(codes(&r, "exam_no", "010120100001"), Vec::<&str>::new());
    assert_eq!(codes(&r, "exam_no", "010120100002"), Vec::<&str>::new());
    assert_eq!(codes(&r, "exam_no", "010120100003"), Vec::<&str>::new());
    assert_eq!(codes(&r, "exam_no", "010120100004"), ["photo.file_size"]);
    assert_eq!(
        codes(&r, "exam_no", "010120100005"),
        ["photo.name_duplicate"]
    );
    assert_eq!(codes(&r, "exam_no", "010120100006"), ["photo.missing"]);
    assert_eq!(codes(&r, "exam_no", "010120100007"), ["photo.missing"]);
    assert_eq!(codes(&r, "path", "d/somebody.jpg"), ["photo.unlisted"]);
    assert_eq!(
        codes(&r, "path", &format!("d/{bad}.jpg")),
        ["photo.name_invalid"]
    );
    assert_eq!(
        codes(&r, "path", "d/4.40106E+17.jpg"),
        ["photo.name_invalid"]
    );
    // the suggestion for the wrong check digit, none for the ambiguous Excel one
    let inv = r
        .results
        .iter()
        .find(|i| i.get("path").and_then(Value::as_str) == Some(&format!("d/{bad}.jpg")))
        .unwrap();
    assert_eq!(inv.findings[0].expected["candidate"], "010120100007");
    assert!(inv.findings[0]
        .message
        .render(crate::Lang::En)
        .contains("010120100007"));
    let missing7 = r
        .results
        .iter()
        .find(|i| i.get("exam_no").and_then(Value::as_str) == Some("010120100007"))
        .unwrap();
    assert!(missing7.findings[0]
        .message
        .render(crate::Lang::Zh)
        .contains(&bad));
    let xl = r
        .results
        .iter()
        .find(|i| i.get("path").and_then(Value::as_str) == Some("d/4.40106E+17.jpg"))
        .unwrap();
    assert_eq!(xl.findings[0].expected, Value::Null);
    // masked ID, as on rosters
    assert_eq!(
        r.results[0].get("id_no").unwrap(),
        &json!(crate::idno::mask(&id_a))
    );
    let s = r.summary();
    assert_eq!(
        s["candidates"],
        json!({"total": 7, "compliant": 3, "failing": 2, "none": 2})
    );
    assert_eq!(s["files"]["unlisted"], 1);
    assert_eq!(s["files"]["name_invalid"], 2);
    assert_eq!(r.results.len(), 7 + 3);
    assert_eq!(r.exit_code(), 1);
}

#[test]
fn name_by_restricts() {
    let id_a = id("44010619900101001");
    let list = vec![listed("010120100001", "甲", &id_a)];
    let mk = || {
        let mut c = Report::new("photo check");
        c.results = vec![file(&format!("{id_a}.jpg"), true)];
        c
    };
    let opts = |name_by| FolderOptions {
        name_by,
        unmask: true,
        ..Default::default()
    };
    let r = match_folder(mk(), vec![None], &list, vec![], &opts(NameBy::Exam));
    assert_eq!(codes(&r, "exam_no", "010120100001"), ["photo.missing"]);
    assert_eq!(
        codes(&r, "path", &format!("{id_a}.jpg")),
        ["photo.unlisted"]
    );
    let r = match_folder(mk(), vec![None], &list, vec![], &opts(NameBy::Id));
    assert_eq!(codes(&r, "exam_no", "010120100001"), Vec::<&str>::new());
    assert_eq!(r.results[0].get("id_no").unwrap(), &json!(id_a));
    // the Excel damage of an admission number, with one candidate it fits
    let mut c = Report::new("photo check");
    c.results = vec![file("1.0120100001E+10.jpg", true)];
    let r = match_folder(c, vec![None], &list, vec![], &opts(NameBy::Exam));
    let it = &r.results[1];
    assert_eq!(it.codes().collect::<Vec<_>>(), ["photo.name_invalid"]);
    assert_eq!(it.findings[0].expected["candidate"], "010120100001");
}

#[test]
fn same_picture_only_across_people() {
    let list = vec![
        listed("1", "甲", &id("44010619900101001")),
        listed("2", "乙", &id("44010619900101002")),
        listed("3", "丙", &id("44010619900101003")),
        // the same person under a second admission number
        listed("4", "丙", &id("44010619900101003")),
    ];
    let mut c = Report::new("photo check");
    c.results = vec![
        file("1.jpg", true),
        file("2.jpg", true),
        file("3.jpg", true),
        file("4.jpg", true),
        file("x.jpg", true),
    ];
    let sigs = vec![
        sig(0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321),
        sig(0x1234_5678_9abc_def1, 0x0fed_cba9_8765_4323), // ~ 1
        sig(0xffff_0000_ffff_0000, 0x5555_aaaa_5555_aaaa),
        sig(0xffff_0000_ffff_0000, 0x5555_aaaa_5555_aaaa), // = 3, same person
        sig(0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321), // unlisted copy of 1
    ];
    let r = match_folder(c, sigs, &list, vec![], &FolderOptions::default());
    assert_eq!(codes(&r, "exam_no", "1"), ["photo.same_picture"]);
    assert_eq!(codes(&r, "exam_no", "2"), ["photo.same_picture"]);
    assert_eq!(codes(&r, "exam_no", "3"), Vec::<&str>::new());
    assert_eq!(codes(&r, "exam_no", "4"), Vec::<&str>::new());
    assert_eq!(codes(&r, "path", "x.jpg"), ["photo.unlisted"]);
    let one = &r.results[0].findings[0];
    assert_eq!(one.measured["candidates"], json!(["2 乙"]));
    assert_eq!(one.measured["paths"], json!(["2.jpg"]));
    assert_eq!(r.summary()["same_picture_groups"], 1);
}

#[test]
fn list_reads_csv_and_json() {
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("c.csv");
    std::fs::write(
        &csv,
        "准考证号,姓名,证件号码\n010120100001,甲,44010619900101001x\n,乙,1\n010120100001,甲,1\n",
    )
    .unwrap();
    let (l, p) = read_candidates(&csv, &ReadOptions::default()).unwrap();
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].id_no, "44010619900101001X");
    assert_eq!(p.len(), 2);
    let js = d.path().join("c.json");
    std::fs::write(&js, r#"[{"exam_no": "2", "name": "乙"}]"#).unwrap();
    let (l, p) = read_candidates(&js, &ReadOptions::default()).unwrap();
    assert_eq!((l.len(), l[0].id_no.as_str(), p.len()), (1, "", 0));
    // the photo schema keeps the candidates table's headers and aliases
    for c in SCHEMA.columns {
        let full = crate::table::schemas::CANDIDATES.column(c.key).unwrap();
        assert_eq!((c.zh, c.aliases), (full.zh, full.aliases));
    }
}
