//! The scene's plane geometry: points, boxes, and the quadratic Bézier paths messages travel
//! along (a dot sits at a fraction of its path). Nothing Kafka-specific.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub(super) fn left_mid(&self) -> Point {
        Point {
            x: self.x,
            y: self.y + self.h / 2.0,
        }
    }
    pub(super) fn right_mid(&self) -> Point {
        Point {
            x: self.x + self.w,
            y: self.y + self.h / 2.0,
        }
    }
}

/// A quadratic Bézier from `from` to `to` through control point `via` (straight when `via` is
/// the midpoint).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Path {
    pub from: Point,
    pub via: Point,
    pub to: Point,
}

impl Path {
    pub(super) fn straight(from: Point, to: Point) -> Path {
        Path {
            from,
            via: Point {
                x: (from.x + to.x) / 2.0,
                y: (from.y + to.y) / 2.0,
            },
            to,
        }
    }

    /// The point at `t` in 0..=1.
    pub fn at(&self, t: f64) -> Point {
        let u = 1.0 - t;
        Point {
            x: u * u * self.from.x + 2.0 * u * t * self.via.x + t * t * self.to.x,
            y: u * u * self.from.y + 2.0 * u * t * self.via.y + t * t * self.to.y,
        }
    }

    /// SVG path data.
    pub fn d(&self) -> String {
        format!(
            "M{:.1} {:.1} Q{:.1} {:.1} {:.1} {:.1}",
            self.from.x, self.from.y, self.via.x, self.via.y, self.to.x, self.to.y
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_path_is_linear_and_a_curve_ends_at_its_points() {
        let p = Path::straight(Point { x: 0.0, y: 0.0 }, Point { x: 10.0, y: 20.0 });
        assert_eq!(p.at(0.5), Point { x: 5.0, y: 10.0 });
        let q = Path {
            from: Point { x: 0.0, y: 0.0 },
            via: Point { x: -10.0, y: 5.0 },
            to: Point { x: 0.0, y: 10.0 },
        };
        assert_eq!(q.at(0.0), q.from);
        assert_eq!(q.at(1.0), q.to);
        assert!(q.at(0.5).x < 0.0, "bulges toward the control point");
    }
}
