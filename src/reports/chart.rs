//! Line charts drawn on the server as SVG (`templates/reports/chart.html`): the geometry is
//! computed here, the template only writes it out. Colours come from the stylesheet's
//! classes, so the charts follow the light and dark themes.

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 52.0;
/// Gridlines of the value axis, about.
const Y_TICKS: usize = 4;
/// Labels of the time axis, at most.
const X_LABELS: usize = 8;
/// Points are marked when there are this few buckets or fewer.
const MARKED_POINTS: usize = 40;

pub struct Tick {
    pub at: f64,
    pub label: String,
}

pub struct Point {
    pub x: f64,
    pub y: f64,
}

pub struct Series {
    /// The stylesheet class that colours it (`series-1` …).
    pub class: &'static str,
    pub label: String,
    /// The SVG path: one run of segments per stretch of buckets that have a value.
    pub path: String,
    pub points: Vec<Point>,
}

pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    pub series: Vec<Series>,
}

/// A line of the chart before it is drawn: one value (or none) per bucket.
pub struct Line {
    pub label: String,
    pub values: Vec<Option<f64>>,
}

pub struct Axes<'a> {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// The buckets' names, in order.
    pub buckets: &'a [String],
    /// How a value of the value axis is written.
    pub y_format: fn(f64) -> String,
}

impl Chart {
    pub fn new(axes: Axes<'_>, lines: Vec<Line>) -> Self {
        let plot_width = WIDTH - LEFT - RIGHT;
        let plot_height = HEIGHT - TOP - BOTTOM;
        let bottom = HEIGHT - BOTTOM;
        let max = lines
            .iter()
            .flat_map(|line| line.values.iter().flatten())
            .fold(0.0_f64, |max, value| max.max(*value));
        let step = nice_step(max / Y_TICKS as f64);
        let top_value = (max / step).ceil().max(1.0) * step;
        let y = |value: f64| bottom - value / top_value * plot_height;
        let count = axes.buckets.len().max(1);
        let slot = plot_width / count as f64;
        let x = |index: usize| LEFT + slot * (index as f64 + 0.5);

        let y_ticks = (0..)
            .map(|n| n as f64 * step)
            .take_while(|value| *value <= top_value + step / 2.0)
            .map(|value| Tick {
                at: round(y(value)),
                label: (axes.y_format)(value),
            })
            .collect();
        let every = axes.buckets.len().div_ceil(X_LABELS).max(1);
        let x_ticks = axes
            .buckets
            .iter()
            .enumerate()
            .filter(|(index, _)| index % every == 0)
            .map(|(index, label)| Tick {
                at: round(x(index)),
                label: label.clone(),
            })
            .collect();
        let marked = axes.buckets.len() <= MARKED_POINTS;
        let series = lines
            .into_iter()
            .zip(SERIES_CLASSES.iter().cycle())
            .map(|(line, class)| {
                let mut path = String::new();
                let mut points = Vec::new();
                let mut drawing = false;
                for (index, value) in line.values.iter().enumerate() {
                    let Some(value) = value else {
                        drawing = false;
                        continue;
                    };
                    let point = Point {
                        x: round(x(index)),
                        y: round(y(*value)),
                    };
                    let command = if drawing { 'L' } else { 'M' };
                    path.push_str(&format!("{command}{} {} ", point.x, point.y));
                    drawing = true;
                    if marked {
                        points.push(point);
                    }
                }
                Series {
                    class,
                    label: line.label,
                    path: path.trim_end().to_owned(),
                    points,
                }
            })
            .collect();
        Self {
            title: axes.title,
            x_label: axes.x_label,
            y_label: axes.y_label,
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right: WIDTH - RIGHT,
            top: TOP,
            bottom,
            y_ticks,
            x_ticks,
            series,
        }
    }
}

const SERIES_CLASSES: [&str; 5] = ["series-1", "series-2", "series-3", "series-4", "series-5"];

/// A step of 1, 2 or 5 times a power of ten, at least `rough` (and at least 1).
fn nice_step(rough: f64) -> f64 {
    if rough <= 1.0 {
        return 1.0;
    }
    let magnitude = 10_f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|factor| factor * magnitude >= rough)
        .unwrap_or(10.0);
    step * magnitude
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(value: f64) -> String {
        format!("{value}")
    }

    fn chart(values: Vec<Option<f64>>) -> Chart {
        let buckets: Vec<String> = (1..=values.len()).map(|n| format!("d{n}")).collect();
        Chart::new(
            Axes {
                title: "Work".into(),
                x_label: "Day".into(),
                y_label: "Count".into(),
                buckets: &buckets,
                y_format: count,
            },
            vec![Line {
                label: "Replies".into(),
                values,
            }],
        )
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(1.5), 2.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(12.0), 20.0);
        assert_eq!(nice_step(2500.0), 5000.0);
    }

    #[test]
    fn the_value_axis_covers_the_largest_value() {
        let drawn = chart(vec![Some(0.0), Some(9.0), Some(3.0)]);
        let labels: Vec<&str> = drawn.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "5", "10"]);
        // Zero sits on the axis, the largest value below the top gridline.
        assert_eq!(drawn.y_ticks[0].at, drawn.bottom);
        let highest = &drawn.series[0].points[1];
        assert!(highest.y > drawn.top && highest.y < drawn.bottom);
    }

    #[test]
    fn a_chart_of_nothing_still_has_an_axis() {
        let drawn = chart(vec![Some(0.0); 3]);
        assert_eq!(drawn.y_ticks.len(), 2);
        assert_eq!(drawn.series[0].points.len(), 3);
    }

    #[test]
    fn buckets_without_a_value_break_the_line() {
        let drawn = chart(vec![Some(1.0), None, Some(2.0), Some(3.0)]);
        let path = &drawn.series[0].path;
        assert_eq!(path.matches('M').count(), 2);
        assert_eq!(path.matches('L').count(), 1);
        assert_eq!(drawn.series[0].points.len(), 3);
    }

    #[test]
    fn long_ranges_label_some_buckets_and_mark_no_points() {
        let drawn = chart(vec![Some(1.0); 100]);
        assert!(drawn.x_ticks.len() <= X_LABELS);
        assert_eq!(drawn.x_ticks[0].label, "d1");
        assert!(drawn.series[0].points.is_empty());
    }
}
