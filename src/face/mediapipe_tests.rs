//! The Rust pipeline against MediaPipe's own output (mediapipe 0.10.14,
//! Python, `mp.solutions.face_detection` and `mp.solutions.face_mesh`
//! with static_image_mode) on fixture photos. The expected values are
//! committed in tests/fixtures/face/mediapipe_mesh.json, written by
//! tests/fixtures/face/mediapipe_mesh.py (its docstring has the command);
//! no Python is needed to run this test.

use super::mesh;

/// Largest difference allowed between our values and MediaPipe's, in
/// pixels of the 480x640 photo (the crops are resampled by different code:
/// OpenCV's fixed-point bilinear warp there, f32 bilinear here).
const DET_TOL: f32 = 1.5;
const MESH_TOL: f32 = 1.5;

#[test]
fn detection_and_mesh_match_mediapipe() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text =
        std::fs::read_to_string(format!("{root}/tests/fixtures/face/mediapipe_mesh.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let idx: Vec<usize> = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap() as usize)
        .collect();
    let photos = v["photos"].as_array().unwrap();
    assert!(photos.len() >= 2);
    let f = |x: &serde_json::Value| x.as_f64().unwrap() as f32;
    let mut worst_det = 0f32;
    let mut worst_mesh = 0f32;
    let mut worst_z = 0f32;
    for p in photos {
        let file = p["file"].as_str().unwrap();
        let img = image::open(format!("{root}/tests/fixtures/photos/{file}"))
            .unwrap()
            .to_rgb8();
        let (w, h) = (img.width() as usize, img.height() as usize);
        let dets = mesh::detect(img.as_raw(), w, h).unwrap();
        assert_eq!(dets.len(), 1, "{file}: {dets:?}");
        let d = dets[0];
        let e = &p["detection"];
        let mut diffs = vec![
            d.xmin - f(&e["xmin"]),
            d.ymin - f(&e["ymin"]),
            d.width - f(&e["width"]),
            d.height - f(&e["height"]),
        ];
        for (k, kp) in e["keypoints"].as_array().unwrap().iter().enumerate() {
            diffs.push(d.keypoints[k].x - f(&kp[0]));
            diffs.push(d.keypoints[k].y - f(&kp[1]));
        }
        let dmax = diffs.iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(
            (d.score - f(&e["score"])).abs() < 0.02,
            "{file}: score {}",
            d.score
        );
        let m = mesh::mesh(img.as_raw(), w, h, mesh::roi_from_detection(&d)).unwrap();
        assert!(m.presence > 0.9, "{file}: presence {}", m.presence);
        let (mut mmax, mut zmax) = (0f32, 0f32);
        for (k, &i) in idx.iter().enumerate() {
            let exp = &p["mesh"][k];
            mmax = mmax
                .max((m.points[i][0] - f(&exp[0])).abs())
                .max((m.points[i][1] - f(&exp[1])).abs());
            zmax = zmax.max((m.points[i][2] - f(&exp[2])).abs());
        }
        println!("{file}: detection max diff {dmax:.2} px, mesh x/y {mmax:.2} px, z {zmax:.2}");
        worst_det = worst_det.max(dmax);
        worst_mesh = worst_mesh.max(mmax);
        worst_z = worst_z.max(zmax);
    }
    assert!(worst_det <= DET_TOL, "detection differs by {worst_det} px");
    assert!(worst_mesh <= MESH_TOL, "mesh differs by {worst_mesh} px");
    assert!(worst_z <= 2.0 * MESH_TOL, "mesh depth differs by {worst_z}");
}
