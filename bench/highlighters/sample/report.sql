-- Posts per tag and month, newest month first.
WITH monthly AS (
    SELECT t.name AS tag,
           date_trunc('month', p.published_at) AS month,
           COUNT(*) AS posts
    FROM posts p
    JOIN post_tags pt ON pt.post_id = p.id
    JOIN tags t ON t.id = pt.tag_id
    WHERE p.draft = FALSE
      AND p.published_at >= '2020-01-01'
    GROUP BY t.name, month
)
SELECT tag, month, posts,
       SUM(posts) OVER (PARTITION BY tag ORDER BY month) AS running_total
FROM monthly
ORDER BY month DESC, posts DESC
LIMIT 50;
